import { Command } from 'commander';
import { checkoutsCommand } from './commands/checkouts.js';
import { eventsCommand } from './commands/events.js';
import { projectionsCommand } from './commands/projections.js';
import { startCommand } from './commands/start.js';
import { tokenCommand } from './commands/token.js';

/** The `orderflow` command line; each subcommand lives in commands/. */
export function createProgram(): Command {
  return new Command('orderflow')
    .description('orderflow: an event-sourced order engine for scarce stock')
    .showHelpAfterError()
    .addCommand(startCommand())
    .addCommand(tokenCommand())
    .addCommand(eventsCommand())
    .addCommand(checkoutsCommand())
    .addCommand(projectionsCommand());
}
