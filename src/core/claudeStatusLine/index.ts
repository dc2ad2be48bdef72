// Claude Code's status line, in rooms: the input Claude Code sends (input.ts), the line we print (line.ts), the reading
// we record and read back stale (snapshot.ts), and our place in Claude Code's settings (settings.ts).
export * from './input';
export * from './line';
export * from './snapshot';
export * from './settings';
