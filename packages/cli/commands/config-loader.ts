// Reads compartment.yaml from the project directory and validates it, naming the line or field path on failure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { CompartmentError, parseProjectConfig, type ProjectConfig } from '../../protocol/index.js';

export const CONFIG_FILE = 'compartment.yaml';

export function loadProjectConfig(projectDir: string): ProjectConfig {
  const path = join(projectDir, CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CompartmentError('CONFIG_NOT_FOUND', `no ${CONFIG_FILE} in ${projectDir}`);
    }
    throw error;
  }
  const doc = parseDocument(text);
  const [first] = doc.errors;
  if (first) {
    const at = first.linePos?.[0];
    const where = at ? ` line ${at.line}, column ${at.col}` : '';
    throw new CompartmentError('CONFIG_INVALID', `${CONFIG_FILE}${where}: ${first.message.split('\n')[0]}`);
  }
  try {
    return parseProjectConfig(doc.toJS());
  } catch (error) {
    if (error instanceof CompartmentError) {
      const message = error.message
        .split('\n')
        .map((l) => `${CONFIG_FILE}: ${l}`)
        .join('\n');
      throw new CompartmentError(error.code, message, error.field);
    }
    throw error;
  }
}
