// `tokenmeter mcp`: the Model Context Protocol server over stdio, on the SDK's low-level `Server`
// (not `McpServer`) so that bad arguments are JSON-RPC "invalid params" errors with our own
// messages, and tool schemas come from our zod (4) schemas. See https://modelcontextprotocol.io.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { callTool, listTools, ToolInputError, type ToolContext } from './tools';

export const serverInstructions =
  'Tokenmeter reports what this user has spent on AI coding agents and how much is left, from local agent logs, budget endpoints and ' +
  'official plan windows. Call `quota` before expensive work or before spawning sub-agents; `estimate_task` to price a task; `route` to ' +
  'pick a cheaper model for a sub-task; `session_cost` for your own session; `runaway_status` to check nothing is burning out of control. ' +
  'All tools are read-only. Money is USD.';

/**
 * A JSON-RPC error as the SDK sends it: `code` and `message` as given. (The SDK's `McpError`
 * would prefix "MCP error -32602: " to a message meant for a model.)
 */
export class RpcError extends Error {
  constructor(readonly code: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The SDK validates JSON Schema only for answers to elicitations, which this server never sends;
 * ajv is left out of the bundle (esbuild.plugins.mjs) and this stands in for it.
 */
const noSchemaValidation = {
  getValidator(): never {
    throw new Error('tokenmeter mcp validates no JSON Schema (it sends no elicitations)');
  },
};

/** A server with the five read-only tools; `connect` it to a transport. `inFlight` counts tool calls running. */
export function createServer(ctx: ToolContext, version: string, inFlight = { count: 0 }): Server {
  const server = new Server({ name: 'tokenmeter', title: 'Tokenmeter', version }, { capabilities: { tools: {} }, instructions: serverInstructions, jsonSchemaValidator: noSchemaValidation });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: listTools() }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    inFlight.count++;
    let answer: object;
    try {
      answer = await callTool(request.params.name, request.params.arguments, ctx);
    } catch (error) {
      if (error instanceof ToolInputError) throw new RpcError(ErrorCode.InvalidParams, error.message, { cause: error });
      // Messages from the scanner and endpoint pollers never hold keys (they are redacted at the source).
      throw new RpcError(ErrorCode.InternalError, `${request.params.name} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      inFlight.count--;
    }
    return { content: [{ type: 'text' as const, text: JSON.stringify(answer) }], structuredContent: answer as Record<string, unknown> };
  });
  return server;
}

/** Serves on this process's stdin/stdout until stdin closes. */
export async function serveStdio(ctx: ToolContext, version: string, onError: (error: Error) => void): Promise<void> {
  const inFlight = { count: 0 };
  const server = createServer(ctx, version, inFlight);
  server.onerror = onError;
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  // A client that writes its requests and closes stdin (a script, `echo ... |`) still gets every answer.
  process.stdin.on('end', () => {
    const closeWhenIdle = () => (inFlight.count > 0 ? setTimeout(closeWhenIdle, 10) : void server.close().catch(onError));
    closeWhenIdle();
  });
  await server.connect(transport);
  await closed;
}
