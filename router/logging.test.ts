import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from './logging.ts';

test('production: one JSON object a line, secrets redacted even at debug level', (t) => {
  const printed = t.mock.method(console, 'log', () => {});
  const logger = createLogger({ level: 'debug', development: false });
  logger.debug(
    {
      headers: { authorization: 'Bearer eyJ.secret.token', 'x-router-secret': 'router secret', accept: 'application/json' },
      query: 'mutation { login(input: {password: "hunter22"}) { access } }',
      variables: { password: 'hunter22' },
      data: { login: { access: 'eyJ.issued.token' } },
    },
    'subgraph call',
  );
  assert.equal(printed.mock.callCount(), 1);
  const [line] = printed.mock.calls[0].arguments as [string];
  const record = JSON.parse(line);
  assert.equal(record.level, 'debug');
  assert.equal(record.msg, 'subgraph call');
  assert.equal(record.headers.accept, 'application/json');
  for (const secret of ['eyJ', 'router secret', 'hunter22']) assert.ok(!line.includes(secret), secret);
});

test('records below the level are not written', (t) => {
  const printed = t.mock.method(console, 'log', () => {});
  const logger = createLogger({ level: 'warn', development: false });
  logger.info('request completed');
  assert.equal(printed.mock.callCount(), 0);
});

test('lines of child loggers are redacted too, headers whatever their case, and the caller keeps its values', (t) => {
  const printed = t.mock.method(console, 'log', () => {});
  const logger = createLogger({ level: 'debug', development: false });
  const headers = { Authorization: 'Bearer eyJ.secret.token', 'X-Router-Secret': 'router secret' };
  const request = logger.child({ requestId: 'r-1' }).child({ headers });
  request.debug({ variables: { password: 'hunter22' }, query: null, data: undefined }, 'subgraph call');
  const [line] = printed.mock.calls[0].arguments as [string];
  const record = JSON.parse(line);
  assert.equal(record.requestId, 'r-1');
  assert.deepEqual(record.headers, { Authorization: '[redacted]', 'X-Router-Secret': '[redacted]' });
  assert.equal(record.variables, '[redacted]');
  // Present but empty values are censored as well; absent ones are not invented.
  assert.equal(record.query, '[redacted]');
  assert.ok(!('data' in record));
  assert.equal(headers.Authorization, 'Bearer eyJ.secret.token');
});

test('development: the readable lines are redacted as well', (t) => {
  const printed: string[] = [];
  for (const method of ['log', 'debug', 'info', 'warn', 'error'] as const) {
    t.mock.method(console, method, (...parts: unknown[]) => printed.push(parts.map(String).join(' ')));
  }
  const logger = createLogger({ level: 'debug', development: true });
  logger.debug({ headers: { authorization: 'Bearer eyJ.secret.token' }, body: '{"password":"hunter22"}' }, 'subgraph call');
  const output = printed.join('\n');
  assert.ok(output.includes('subgraph call'));
  for (const secret of ['eyJ', 'hunter22']) assert.ok(!output.includes(secret), secret);
});
