import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Command-line tools the local infrastructure and the test suite use, and the Debian package of each. */
const tools = [
  { command: 'java', args: ['-version'], debian: 'openjdk-17-jre-headless', why: 'runs the Kafka broker' },
  { command: 'mvn', args: ['-v'], debian: 'maven', why: 'resolves the Kafka jars from Maven Central' },
  {
    command: 'docker-compose',
    args: ['version', '--short'],
    debian: 'docker-compose',
    why: 'validates compose/docker-compose.yml without an engine',
  },
  // Debian's Go is too old for FerretDB v1.24: Go must come with the machine (or from go.dev's installer).
  { command: 'go', args: ['version'], debian: undefined, why: 'builds FerretDB (compose/local/ferretdb), Go 1.22 or later' },
] as const;

async function has(command: string, args: readonly string[]): Promise<boolean> {
  return execFileAsync(command, args).then(
    () => true,
    () => false,
  );
}

/** Installs missing Debian packages when it can (root with apt-get); otherwise says exactly what is missing. */
export async function ensureTools(log: (message: string) => void): Promise<void> {
  const missing = [];
  for (const tool of tools) if (!(await has(tool.command, tool.args))) missing.push(tool);
  if (missing.length === 0) return;
  const installable = missing.flatMap((t) => (t.debian === undefined ? [] : [t.debian]));
  if (installable.length > 0 && userInfo().uid === 0 && (await has('apt-get', ['--version']))) {
    log(`installing Debian packages: ${installable.join(' ')}`);
    await execFileAsync('apt-get', ['update', '-qq'], { maxBuffer: 64 * 1024 * 1024 });
    await execFileAsync('apt-get', ['install', '-y', '-qq', ...installable], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 64 * 1024 * 1024,
    });
  }
  const still = [];
  for (const tool of missing) if (!(await has(tool.command, tool.args))) still.push(tool);
  if (still.length > 0)
    throw new Error(
      `missing tools: ${still.map((t) => `${t.command} (${t.why}${t.debian === undefined ? '' : `; apt-get install ${t.debian}`})`).join(', ')}`,
    );
}
