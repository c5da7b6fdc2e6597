// The driver's failures as CompartmentErrors; the messages end up as a deployment's failureMessage.
import { CompartmentError } from '../protocol/index.js';

// Messages say why, not what: the deployment's failureMessage already reads "build failed: <why>".
export function buildFailed(code: number | null, signal: string | null, lastLines: string[]): CompartmentError {
  const how = signal !== null ? `killed by ${signal}` : `exit code ${code}`;
  const tail = lastLines.length > 0 ? `: ${lastLines.join('\n')}` : '';
  return new CompartmentError('BUILD_FAILED', `${how}${tail}`);
}

export function buildAborted(): CompartmentError {
  return new CompartmentError('BUILD_FAILED', 'build aborted');
}

export function startFailed(reason: string): CompartmentError {
  return new CompartmentError('START_FAILED', reason);
}

export function notExtracted(dir: string): CompartmentError {
  return new CompartmentError('SOURCE_NOT_FOUND', `release ${dir} has not been extracted`);
}
