import { closeOnSignals, createLogger, loadConfig } from '@orderflow/platform';
import { sandboxOptionsFromEnv } from './sandboxConfig.js';
import { startSandboxGateway } from './startSandboxGateway.js';

/** Process entry of the sandbox payment gateway alone (full topology): `pnpm --filter @orderflow/command-service start:gateway`. */
const config = loadConfig();
const options = sandboxOptionsFromEnv();
const logger = createLogger('sandbox-gateway', config.LOG_LEVEL);
const gateway = await startSandboxGateway({ host: config.HOST, port: config.GATEWAY_PORT, ...options, logger });
logger.info({ url: gateway.url }, 'sandbox payment gateway listening (state in memory)');

closeOnSignals(logger, () => gateway.close());
