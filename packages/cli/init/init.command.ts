// `compartment init`: writes a commented compartment.yaml for the directory it runs in; never overwrites one.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompartmentError } from '../../protocol/index.js';
import { CONFIG_FILE } from '../commands/config-loader.js';
import { detect } from './init-detect.js';
import { initTemplate } from './init-template.js';

export async function initCommand(): Promise<number> {
  const dir = process.cwd();
  const found = detect(dir);
  if (!found) {
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `nothing to start found in ${dir}: no Dockerfile and no package.json with a "start" script; write ${CONFIG_FILE} by hand (see the README)`,
    );
  }
  try {
    // 'wx': the check and the write are one step, so a file appearing meanwhile is not overwritten either.
    writeFileSync(join(dir, CONFIG_FILE), initTemplate(found), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CompartmentError('CONFLICT', `${CONFIG_FILE} already exists in ${dir}; not overwritten`);
    }
    throw error;
  }
  const what =
    found.kind === 'docker'
      ? 'a docker service from ./Dockerfile'
      : "a process service from package.json's start script";
  process.stdout.write(`wrote ${CONFIG_FILE}: ${what} named ${found.name}\n`);
  return 0;
}
