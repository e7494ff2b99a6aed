/** `socialgov serve`: run everything until Ctrl-C (SIGINT) or SIGTERM, then stop cleanly. */
import { startPlatform } from '../app/index.ts';
import type { Config } from '../platform/config.ts';
import { releaseMemoryWhenIdle } from '../platform/idle-memory.ts';
import { say } from './support.ts';
import { out } from './io.ts';

export async function serve(config: Config): Promise<void> {
  say('Starting socialgov ...');
  const platform = await startPlatform(config, say);
  out(`socialgov is running at ${platform.url}  (press Ctrl-C to stop)`);
  const idle = releaseMemoryWhenIdle({
    quietSeconds: config.idleMemorySeconds,
    onCollect: (f) => platform.log.debug(f, 'idle: memory given back'),
    onError: (err) => platform.log.warn({ err }, 'idle: could not give memory back; not trying again until restarted'),
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      say(`\nReceived ${signal}: stopping (finishing open requests, then the database) ...`);
      idle.stop();
      // A second Ctrl-C while stopping exits at once.
      process.once('SIGINT', () => process.exit(130));
      platform.close().then(
        () => {
          say('Stopped.');
          resolve();
        },
        (err: Error) => {
          say(`Stopped with an error: ${err.message}`);
          process.exitCode = 1;
          resolve();
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
