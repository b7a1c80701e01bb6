/**
 * The router's logger. Development: Hive's readable console lines. Production: one JSON object
 * per line (level, msg, timestamp, requestId and the attributes the plugins add).
 */
import { ConsoleLogWriter, JSONLogWriter, Logger } from '@graphql-hive/gateway-runtime';
import type { LogLevel } from './settings.ts';

// Redacted even at debug level, where Hive logs every subgraph call with its headers, query,
// variables and result: tokens (sent, or returned by login), the router secret, passwords (in
// variables or inline in the query).
export const REDACTED_PATHS = ['headers.authorization', 'headers["x-router-secret"]', 'body', 'query', 'variables', 'data'];

export function createLogger({ level, development }: { level: LogLevel; development: boolean }): Logger {
  return new Logger({
    level,
    writers: [development ? new ConsoleLogWriter() : new JSONLogWriter()],
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  });
}
