import { Command, Option } from 'commander';
import { loadConfig, roles, signToken, type Role } from '@orderflow/platform';

/** `orderflow token --role admin|customer --sub <id>`: a bearer token alone on stdout (DESIGN.md §3). */
export function tokenCommand(): Command {
  return new Command('token')
    .description('mint a bearer token signed with JWT_SECRET (the development secret when unset)')
    .addOption(new Option('--role <role>', 'the role the token grants').choices(roles).makeOptionMandatory())
    .requiredOption('--sub <id>', 'the subject: a customer id, or an operator name')
    .option('--expires <duration>', 'lifetime, e.g. 15m, 12h, 7d', '12h')
    .action(async (opts: { role: Role; sub: string; expires: string }) => {
      const { auth } = loadConfig();
      if (auth.secret === undefined) throw new Error('tokens can only be minted with JWT_SECRET (not with a JWKS URL)');
      process.stdout.write(`${await signToken({ ...auth, secret: auth.secret }, { sub: opts.sub, role: opts.role }, opts.expires)}\n`);
    });
}
