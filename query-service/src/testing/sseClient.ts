import http from 'node:http';

/** One server-sent event as a client sees it. */
export interface SseEvent {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
  /** performance.now() when the event was complete. */
  readonly receivedAt: number;
}

export interface SseStream {
  readonly status: number;
  readonly contentType: string | null;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The next event (waits up to `timeoutMs`). */
  next(timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** A minimal EventSource (headers allowed), for the specs and the end-to-end test. */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  // node:http rather than fetch: undici may open a spare connection that then holds the server's close for seconds.
  const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } });
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    request.once('response', resolve).once('error', reject);
  });
  const queue: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  let ended = false;
  const pump = async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = new Map<string, string>();
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const colon = line.indexOf(':');
            fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
          }
          if (!fields.has('data')) continue;
          const id = fields.get('id');
          queue.push({
            event: fields.get('event') ?? 'message',
            data: fields.get('data') ?? '',
            receivedAt: performance.now(),
            ...(id === undefined ? {} : { id }),
          });
          waiters.splice(0).forEach((wake) => {
            wake();
          });
        }
      }
    } catch {
      // aborted by close()
    } finally {
      ended = true;
      waiters.splice(0).forEach((wake) => {
        wake();
      });
    }
  };
  void pump();
  return {
    status: response.statusCode ?? 0,
    contentType: response.headers['content-type'] ?? null,
    headers: response.headers,
    async next(timeoutMs = 2_000) {
      const deadline = Date.now() + timeoutMs;
      while (queue.length === 0) {
        if (ended) throw new Error('the event stream ended');
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      const event = queue.shift();
      if (event === undefined) throw new Error('unreachable');
      return event;
    },
    close: () => {
      request.destroy();
    },
  };
}
