// Preload for memory tests: on exit, writes this process's peak resident set size (bytes) to $TOKENMETER_MAXRSS_FILE.
const fs = require('node:fs');
process.on('exit', () => {
  const file = process.env.TOKENMETER_MAXRSS_FILE;
  if (file) fs.writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
});
