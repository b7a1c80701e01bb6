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
