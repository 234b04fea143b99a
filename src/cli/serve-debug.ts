// `chatctl serve --debug`: the console's lines, in the server's own terminal (stderr).
import type { DebugBus } from '../server/observability/bus.js';
import { formatEvent } from './console-format.js';
import { colorWanted } from './output.js';

export function printDebugEvents(bus: DebugBus, stream: NodeJS.WriteStream = process.stderr): void {
  const color = colorWanted(stream);
  bus.subscribe({
    write(event) {
      const line = formatEvent(event, { color, payload: true, width: stream.isTTY ? stream.columns : undefined });
      if (line !== undefined) stream.write(`${line}\n`);
      return true;
    },
  });
}
