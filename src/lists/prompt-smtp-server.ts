/**
 * smtp-server without its early-talker pause. smtp-server waits a fixed 100 ms before every
 * greeting, to catch spam robots that speak first; a sending server that opens one connection
 * per post (Postfix, smtp-source) could then hand over at most ten posts a second per
 * connection, whatever we did after it: with 10 sessions the listener stopped at ~90 posts/s.
 * Postfix's own smtpd does not pause either; that check belongs to postscreen, in front, where a
 * site wants it. Everything else (connection limit, TLS, XFORWARD, the commands) is smtp-server's.
 *
 * The two overrides repeat smtp-server 3.21.6's `SMTPServer.connect` and `SMTPConnection.init`
 * (the version is pinned) with the timer left out; the mail-in tests run through them.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

type ConnectionOptions = ConstructorParameters<typeof SMTPConnection>[2];

class PromptConnection extends SMTPConnection {
  override init(): void {
    this._setListeners(() => {
      const { maxClients } = this._server.options;
      if (maxClients && this._server.connections.size > maxClients) {
        return this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
      }
      this.connectionReady();
    });
  }
}

export class PromptSMTPServer extends SMTPServer {
  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: ConnectionOptions): void {
    const connection = new PromptConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection.init();
  }
}
