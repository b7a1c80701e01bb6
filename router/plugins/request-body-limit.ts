/** A limit on the size of a request body, read no further than the limit. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';

/**
 * Refuses request bodies over `maxBytes` with HTTP 413. A declared
 * Content-Length is checked before anything is read (Node's parser never
 * delivers more than it declares); a body without one (chunked) is read up to
 * the limit and no further. Yoga's own 25 MB limit is not configurable
 * through Hive Gateway, hence this plugin.
 */
export function useRequestBodyLimit(maxBytes: number): GatewayPlugin {
  const tooLarge = () =>
    new GraphQLError(`Request body too large: the limit is ${maxBytes} bytes`, {
      extensions: { code: 'REQUEST_BODY_TOO_LARGE', http: { status: 413 } },
    });
  const readAtMost = async (body: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> => {
    const chunks: Uint8Array[] = [];
    let received = 0;
    const reader = body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      received += chunk.value.byteLength;
      if (received > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(chunk.value);
    }
    return new Uint8Array(Buffer.concat(chunks));
  };
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const contentLength = request.headers.get('content-length');
      if (contentLength !== null) {
        if (Number(contentLength) > maxBytes) throw tooLarge();
        return;
      }
      if (!request.body || !requestParser) return;
      setRequestParser(async (unbounded) =>
        requestParser(
          new fetchAPI.Request(unbounded.url, {
            method: unbounded.method,
            headers: unbounded.headers,
            body: await readAtMost(unbounded.body!),
          }),
        ),
      );
    },
  };
}
