/**
 * The address of the client the router serves, sent to the subgraphs as x-client-ip (the users
 * subgraph rate-limits by it).
 */

/** IPv4 clients on a dual-stack socket show up as "::ffff:a.b.c.d": the plain form. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/**
 * A function giving a request's client address: the router's socket peer, unless that peer is a
 * trusted proxy. Then X-Forwarded-For is read from the right, past every trusted proxy, to the
 * first address a trusted proxy vouches for; anything further left was written by the client
 * itself and is ignored.
 */
export function clientAddressResolver(trustedProxyList: readonly string[]) {
  const trustedProxies = new Set(trustedProxyList.map(plainAddress));
  return function clientAddress(request: Request, context: unknown): string | undefined {
    const peer = (context as { req?: { socket?: { remoteAddress?: string } } })?.req?.socket
      ?.remoteAddress;
    if (peer === undefined) return undefined;
    let address = plainAddress(peer);
    if (!trustedProxies.has(address)) return address;
    const forwarded = (request.headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((hop) => plainAddress(hop.trim()))
      .filter(Boolean);
    while (trustedProxies.has(address) && forwarded.length > 0) {
      address = forwarded.pop() as string;
    }
    return address;
  };
}
