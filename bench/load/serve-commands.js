// Shared by the load modules: answer the parent's commands one at a time over IPC.
export function serveCommands(handlers) {
  process.on('message', async (message) => {
    try {
      const handler = handlers[message.cmd];
      if (!handler) throw new Error(`unknown command ${message.cmd}`);
      process.send(await handler(message));
    } catch (error) {
      process.send({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  });
}
