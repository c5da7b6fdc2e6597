// This node's limits on an uploaded source: its compressed size (checked while fetching) and its unpacked size (checked before use).
import { list } from 'tar';
import {
  CompartmentError,
  DEFAULT_MAX_SOURCE_BYTES,
  DEFAULT_MAX_UNPACKED_BYTES,
  bytesFromMb,
  errorText,
} from '../../../packages/protocol/index.js';

export interface SourceLimits {
  maxSourceBytes: number;
  maxUnpackedBytes: number;
}

/** COMPARTMENT_MAX_SOURCE_MB and COMPARTMENT_MAX_UNPACKED_MB, or the defaults. */
export function sourceLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): SourceLimits {
  return {
    maxSourceBytes: bytesFromMb(env.COMPARTMENT_MAX_SOURCE_MB, DEFAULT_MAX_SOURCE_BYTES),
    maxUnpackedBytes: bytesFromMb(env.COMPARTMENT_MAX_UNPACKED_MB, DEFAULT_MAX_UNPACKED_BYTES),
  };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Sums the sizes the archive's entries declare, without writing anything: both runtimes unpack the same tarball
 * (the process driver into a release directory, Docker into its build context), so one check before either.
 */
export async function checkUnpackedSize(file: string, maxBytes: number): Promise<number> {
  let total = 0;
  let over = false;
  try {
    await list({
      file,
      onReadEntry: (entry) => {
        total += entry.size ?? 0;
        if (total > maxBytes) over = true;
        entry.resume();
      },
    });
  } catch (error) {
    // tar refuses archives that inflate more than 1000-fold (a gzip bomb) before they reach any limit of ours.
    if (/decompression ratio/.test(errorText(error)))
      throw new CompartmentError('TOO_LARGE', `the source is refused: ${errorText(error)}`, 'source');
    throw error;
  }
  if (over)
    throw new CompartmentError(
      'TOO_LARGE',
      `the source unpacks to ${mib(total)}, over this node's limit of ${mib(maxBytes)} (COMPARTMENT_MAX_UNPACKED_MB)`,
      'source',
    );
  return total;
}
