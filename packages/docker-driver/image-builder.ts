// `docker build` of a source tarball through dockerode, its output streamed line by line, its failure read from the last event.
import { createReadStream } from 'node:fs';
import type Docker from 'dockerode';
import { BuildProgress, type BuildEvent } from './build-progress.js';
import { buildFailed, dockerMessage, isConnectionError } from './docker-errors.js';

export interface BuildImageOptions {
  /** A tar or tar.gz of the build context (Docker unpacks gzip itself). */
  contextFile: string;
  /** Path of the Dockerfile inside the context. */
  dockerfile: string;
  tag: string;
  labels: Record<string, string>;
  signal: AbortSignal;
  onLine(text: string): void;
}

export async function buildImage(docker: Docker, opts: BuildImageOptions): Promise<{ imageId: string | null }> {
  let response: NodeJS.ReadableStream;
  try {
    response = await docker.buildImage(createReadStream(opts.contextFile), {
      t: opts.tag,
      dockerfile: opts.dockerfile,
      labels: opts.labels,
      // Intermediate containers go even when a step fails.
      rm: true,
      forcerm: true,
      abortSignal: opts.signal,
    });
  } catch (error) {
    // A Dockerfile that does not parse or cannot be found is refused before the build starts (HTTP 400/500).
    if (isConnectionError(error)) throw error;
    throw buildFailed(opts.signal.aborted ? 'build aborted' : dockerMessage(error));
  }
  const progress = new BuildProgress();
  const streamError = await new Promise<Error | null>((resolve) => {
    docker.modem.followProgress(
      response,
      (err: Error | null) => resolve(err),
      (event: BuildEvent) => progress.push(event).forEach(opts.onLine),
    );
  });
  progress.end().forEach(opts.onLine);
  if (progress.error !== null) throw buildFailed(progress.error);
  if (opts.signal.aborted) throw buildFailed('build aborted');
  if (streamError) {
    if (isConnectionError(streamError)) throw streamError;
    throw buildFailed(`the build's progress stream broke: ${streamError.message}`);
  }
  return { imageId: progress.imageId };
}
