// The log the agent's parts write to: its own file so they need not import the agent that assembles them.

export interface Logger {
  info(message: string): void;
  warn(message: string, error?: unknown): void;
}
