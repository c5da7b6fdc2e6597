// Reads a variable's value from standard input, so a secret never sits in `ps` output or in shell history.
import { CompartmentError } from '../../protocol/index.js';

/** A terminal gets a prompt on stderr with echo off; a pipe or file is read to its end, one trailing newline dropped. */
export async function readValue(name: string, input: NodeJS.ReadStream = process.stdin): Promise<string> {
  const value = input.isTTY ? await prompt(`${name} (input hidden): `, input) : await readAll(input);
  if (value === '')
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `KEY: no value for ${name} on standard input (pipe it in, or type it at the prompt)`,
      'KEY',
    );
  return value;
}

async function readAll(input: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  // `echo $X |` and here-strings add one newline that is not part of the value; anything else is kept as given.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function prompt(question: string, input: NodeJS.ReadStream): Promise<string> {
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  let value = '';
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (text: string) => {
      for (const ch of text) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new CompartmentError('INVALID_ARGUMENT', 'cancelled', 'KEY'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}
