/**
 * `npm run serve` → `node out/node/host.js [--port N] [--project <folder>] [--app-data <dir>]`:
 * the browser host. Serves out/renderer and the API on 127.0.0.1 and prints the URL with its token (in the
 * fragment: `http://127.0.0.1:PORT/#token=…`).
 */
import { dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServices } from '../services/apiService';
import { installCrashBackstop } from './backstop';
import { startHost } from './server';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// a bug in a handler or a failed background task must not take the server (and a running pipeline) down
installCrashBackstop();

async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const rendererDir = resolve(arg('renderer') ?? join(here, '..', 'renderer'));
  if (!existsSync(join(rendererDir, 'index.html'))) {
    console.error(`${rendererDir}/index.html not found: build the renderer first (npx electron-vite build)`);
    process.exit(1);
  }
  const services = createServices({
    transport: 'http',
    appDataDir: arg('app-data'),
    numWorkers: arg('workers') ? Number(arg('workers')) : undefined,
  });
  const project = arg('project');
  if (project) {
    try {
      await services.api.openProject(project);
    } catch (e) {
      console.error((e as Error).message);
    }
  }
  const host = await startHost({ services, rendererDir, port: arg('port') ? Number(arg('port')) : 0 });
  console.log(`InSAR Studio is serving on ${host.url}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await host.close();
    // a running pipeline is cancelled; its child gets the grace period, then is killed (never orphaned)
    await services.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main();
