import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientAddressResolver, plainAddress } from './client-address.ts';

function request(forwardedFor?: string): Request {
  return new Request('http://router/graphql', {
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  });
}
const peer = (remoteAddress: string) => ({ req: { socket: { remoteAddress } } });

test('an IPv4 client on a dual-stack socket has its plain address', () => {
  assert.equal(plainAddress('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(plainAddress('2001:db8::1'), '2001:db8::1');
});

test('without trusted proxies the socket peer is the client, whatever X-Forwarded-For says', () => {
  const clientAddress = clientAddressResolver([]);
  assert.equal(clientAddress(request('203.0.113.9'), peer('::ffff:192.0.2.7')), '192.0.2.7');
});

test('no socket (not an HTTP request): no address', () => {
  assert.equal(clientAddressResolver([])(request(), {}), undefined);
});

test('behind trusted proxies, X-Forwarded-For is read from the right past each of them', () => {
  const clientAddress = clientAddressResolver(['10.0.0.1', '::ffff:10.0.0.2']);
  // The client wrote "198.51.100.1" itself; 10.0.0.2 vouches for 203.0.113.9.
  const forwarded = request('198.51.100.1, 203.0.113.9, 10.0.0.2');
  assert.equal(clientAddress(forwarded, peer('::ffff:10.0.0.1')), '203.0.113.9');
});

test('an untrusted peer cannot choose its address with X-Forwarded-For', () => {
  const clientAddress = clientAddressResolver(['10.0.0.1']);
  assert.equal(clientAddress(request('203.0.113.9'), peer('192.0.2.7')), '192.0.2.7');
});

test('a trusted proxy that forwards no address is itself the client', () => {
  const clientAddress = clientAddressResolver(['10.0.0.1']);
  assert.equal(clientAddress(request(), peer('10.0.0.1')), '10.0.0.1');
});
