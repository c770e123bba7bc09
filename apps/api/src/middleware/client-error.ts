import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Status of a request Node's HTTP parser refused before any handler ran. */
function statusOf(code: string | undefined): { status: number; reason: string; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, reason: 'Request Header Fields Too Large', message: 'The request line and headers exceed 16 KiB.' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'HPE_REQUEST_TIMEOUT') return { status: 408, reason: 'Request Timeout', message: 'The request was not received in time.' };
  return { status: 400, reason: 'Bad Request', message: 'Malformed HTTP request.' };
}

/**
 * Answers requests that Node's HTTP parser refuses (a bad request line, a header over 16 KiB,
 * invalid characters) with the API's error shape instead of Node's empty 400, then closes the
 * connection: after a parse error the byte stream cannot be trusted for another request.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, reason, message } = statusOf(err.code);
    const body = JSON.stringify({ error: { code: status === 431 ? 'HEADERS_TOO_LARGE' : status === 408 ? 'REQUEST_TIMEOUT' : 'BAD_REQUEST', message } });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}
