// The scripting verbs: the HTTP API from shell scripts, --json everywhere.
import type { Command } from 'commander';
import { registerConversations } from './conversations.js';
import { registerLogin } from './login.js';
import { registerMessages } from './messages.js';
import { registerSend } from './send.js';
import { registerSmoke } from './smoke.js';
import { registerStart } from './start.js';

export function registerVerbs(program: Command): void {
  registerLogin(program);
  registerConversations(program);
  registerStart(program);
  registerMessages(program);
  registerSend(program);
  registerSmoke(program);
}
