// Text from workloads or the cluster made harmless for a terminal: control and escape characters shown as `\x1b`-style escapes.

/**
 * C0 controls but tab (newline is decided by the caller), DEL, C1 controls (U+009B is a one-character CSI), and the
 * invisible bidi and line-separator characters that make a terminal show text other than what is there.
 */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_NEWLINE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escaped = (c: string) => {
  const n = c.charCodeAt(0);
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
};

/**
 * One line of someone else's text (a log line, a failure message, a probe's answer): every control character escaped,
 * newlines and carriage returns included, so it can neither move the cursor, retitle the window nor fake a line of ours.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/** Text we lay out in lines ourselves (a table, an error message with a tail): newlines stay, everything else as above. */
export function terminalSafeLines(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escaped);
}

/** Our own colour codes, exactly as `Output.paint` writes them; nothing else that starts with ESC gets through. */
const OUR_SGR = /\x1b\[(?:0|1|2|31|32|33|34|35|36)m/g;

/**
 * The last line of defence in `Output.line`: like `terminalSafeLines`, but our own colour codes survive. Data escaped
 * at its source (`terminalSafe`) has no ESC left, so it cannot smuggle one of those in either.
 */
export function terminalSafePainted(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(OUR_SGR)) {
    out += terminalSafeLines(text.slice(last, m.index)) + m[0];
    last = m.index! + m[0].length;
  }
  return out + terminalSafeLines(text.slice(last));
}
