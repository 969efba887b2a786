/** Where a server reports what the caller must not see (crashes, refused peers). */
export interface Logger {
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Logs to stderr, never stdout: stdout may be a protocol stream (stdio transport). */
export const stderrLogger: Logger = {
  warn: (message) => console.error(`[interoffice] ${message}`),
  error: (message, error) => console.error(`[interoffice] ${message}`, error ?? ''),
};
