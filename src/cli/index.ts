// The chatctl program: commander wiring only. Commands import their heavy modules lazily,
// so `chatctl --help` loads neither the database, fastify nor Ink.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAdmin } from './admin.js';
import { registerChat } from './chat.js';
import { registerConsole } from './console.js';
import { registerDoctor } from './doctor.js';
import { registerListen } from './listen.js';
import { EXIT, EXIT_CODES_HELP, reportError } from './output.js';
import { registerServe } from './serve.js';
import { registerVerbs } from './verbs/index.js';

// A reader that went away (`chatctl conversations | head -1`) is not an error: stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command()
  .name('chatctl')
  .description('A Laravel + Pusher compatible chat backend with an embedded Pusher-protocol server.')
  .version(pkg.version, '-v, --version')
  .option('--verbose', 'show stack traces for unexpected errors')
  .showSuggestionAfterError()
  .exitOverride()
  .addHelpText(
    'after',
    `
Examples:
  $ chatctl serve                                   # API + realtime on http://127.0.0.1:8000
  $ chatctl user create --name Ann --email ann@example.com --password secret123
  $ chatctl token create --email ann@example.com    # prints a bearer token
  $ chatctl chat                                    # the terminal client (after chatctl login)
  $ chatctl doctor                                  # check .env, broadcasting and Pusher credentials
  $ chatctl login --email ann@example.com           # save server + token for the verbs below
  $ ID=$(chatctl start bob@example.com) && chatctl send "$ID" "Hi Bob!"
  $ chatctl listen --token "$TOKEN" --conversation 1 # watch events arrive live
  $ chatctl console                                 # what the server sends, to whom, and what it refuses
  $ chatctl smoke --server http://127.0.0.1:8000    # end-to-end check for CI
  $ chatctl serve --help                            # options of one command

${EXIT_CODES_HELP}`,
  );

registerServe(program, pkg.version);
registerChat(program);
registerDoctor(program);
registerAdmin(program);
registerVerbs(program);
registerListen(program);
registerConsole(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // commander already printed its message (help, version, usage errors)
    process.exitCode = error.exitCode === 0 ? 0 : EXIT.usage;
  } else {
    reportError(error);
  }
}
