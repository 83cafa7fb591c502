package dev.trafficguard.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keep-alive clients across a real SIGTERM: 50 clients send {@code /api/work?ms=200} over
 * persistent HTTP/1.1 connections (raw sockets, so that nothing retries behind the test's
 * back) while the sample application, a separate JVM, is told to stop. From SIGTERM on every
 * response carries {@code Connection: close}, so no client sends a request on a connection
 * the server is about to close: no request sent on a reused connection fails. A request on
 * a new connection may still be refused once the server stops accepting; that is the
 * client's cue to go elsewhere, and it is not what this test counts.
 */
class KeepAliveShutdownProcessTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final int CLIENTS = 50;

	private static final String REQUEST = "GET /api/work?ms=200 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

	@ParameterizedTest(name = "pre-stop-delay={0}")
	@ValueSource(strings = { "2s", "0s" })
	void noRequestOnAReusedConnectionFailsAcrossSigterm(String preStopDelay) throws Exception {
		try (SampleProcess app = SampleProcess.start("--traffic-guard.shutdown.pre-stop-delay=" + preStopDelay,
				"--traffic-guard.shutdown.timeout=20s", "--server.tomcat.threads.max=100")) {
			AtomicBoolean stop = new AtomicBoolean();
			AtomicBoolean terminated = new AtomicBoolean();
			CountDownLatch reusing = new CountDownLatch(CLIENTS);
			ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
			List<Thread> clients = new ArrayList<>();
			for (int i = 0; i < CLIENTS; i++) {
				Thread client = new Thread(
						() -> new KeepAliveClient(app.port(), stop, terminated, reusing, outcomes).run(),
						"keep-alive-" + i);
				client.start();
				clients.add(client);
			}
			// Every client has sent a request on a reused connection
			assertThat(reusing.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

			terminated.set(true);
			app.terminate();

			// Each client stops once the server refuses its new connection
			for (Thread client : clients) {
				client.join(WAIT.toMillis());
			}
			stop.set(true);
			assertThat(app.awaitExit(WAIT)).isIn(0, 143);

			List<Outcome> all = List.copyOf(outcomes);
			List<Outcome> afterSigterm = all.stream().filter(Outcome::afterSigterm).toList();
			List<Outcome> reusedFailed = all.stream().filter((outcome) -> outcome.reused() && !outcome.ok()).toList();
			System.out.printf("pre-stop-delay=%s: %d requests, %d sent after SIGTERM, %d answers asked to close,"
					+ " %d failed on a reused connection, %d failed on a new one%n", preStopDelay, all.size(),
					afterSigterm.size(), all.stream().filter(Outcome::closeAsked).count(),
					reusedFailed.size(), all.stream().filter((outcome) -> !outcome.reused() && !outcome.ok()).count());
			assertThat(reusedFailed)
				.as("requests on reused connections that failed, of %d after SIGTERM", afterSigterm.size())
				.isEmpty();
			assertThat(all.stream().filter((outcome) -> outcome.reused() && outcome.ok()))
				.hasSizeGreaterThanOrEqualTo(CLIENTS);
			// Every client was told to close its connection: its last answer before the server
			// stopped accepting, at the latest
			assertThat(all.stream().filter(Outcome::closeAsked)).hasSizeGreaterThanOrEqualTo(CLIENTS);
		}
	}

	/**
	 * One client with one persistent connection at a time: it reuses the connection until a
	 * response asks it to close, then opens a new one; it stops when the server refuses a
	 * new connection.
	 */
	private static final class KeepAliveClient implements Runnable {

		private final int port;

		private final AtomicBoolean stop;

		private final AtomicBoolean terminated;

		private final CountDownLatch reusing;

		private final ConcurrentLinkedQueue<Outcome> outcomes;

		private boolean counted;

		KeepAliveClient(int port, AtomicBoolean stop, AtomicBoolean terminated, CountDownLatch reusing,
				ConcurrentLinkedQueue<Outcome> outcomes) {
			this.port = port;
			this.stop = stop;
			this.terminated = terminated;
			this.reusing = reusing;
			this.outcomes = outcomes;
		}

		@Override
		public void run() {
			long deadline = System.nanoTime() + WAIT.toNanos();
			Socket socket = null;
			boolean reused = false;
			try {
				while (!this.stop.get() && System.nanoTime() < deadline) {
					if (socket == null) {
						socket = new Socket();
						try {
							socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
							socket.setSoTimeout(30_000);
						}
						catch (ConnectException ex) {
							// The server no longer accepts: the client goes elsewhere
							return;
						}
						reused = false;
					}
					boolean afterSigterm = this.terminated.get();
					try {
						OutputStream out = socket.getOutputStream();
						out.write(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
						out.flush();
						Response response = Response.read(socket.getInputStream());
						this.outcomes.add(new Outcome(reused, afterSigterm, response.status() == 200,
								response.close(), "HTTP " + response.status()));
						if (reused && !this.counted) {
							this.counted = true;
							this.reusing.countDown();
						}
						if (response.close()) {
							socket.close();
							socket = null;
						}
						else {
							reused = true;
						}
					}
					catch (IOException ex) {
						this.outcomes.add(new Outcome(reused, afterSigterm, false, false, ex.toString()));
						close(socket);
						socket = null;
					}
				}
			}
			catch (IOException ex) {
				this.outcomes.add(new Outcome(false, this.terminated.get(), false, false, ex.toString()));
			}
			finally {
				close(socket);
			}
		}

		private static void close(Socket socket) {
			if (socket != null) {
				try {
					socket.close();
				}
				catch (IOException ex) {
					// Closing anyway
				}
			}
		}

	}

	/**
	 * The status, whether the server asked to close the connection, and the body, read up
	 * to its Content-Length or last chunk.
	 */
	record Response(int status, boolean close) {

		static Response read(InputStream in) throws IOException {
			String statusLine = line(in);
			if (statusLine == null) {
				throw new IOException("Connection closed before a response");
			}
			int status = Integer.parseInt(statusLine.split(" ")[1]);
			boolean close = false;
			boolean chunked = false;
			long length = 0;
			String header;
			while ((header = line(in)) != null && !header.isEmpty()) {
				String lower = header.toLowerCase(Locale.ROOT);
				if (lower.startsWith("connection:") && lower.contains("close")) {
					close = true;
				}
				else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
					chunked = true;
				}
				else if (lower.startsWith("content-length:")) {
					length = Long.parseLong(lower.substring("content-length:".length()).trim());
				}
			}
			if (header == null) {
				throw new IOException("Connection closed in the response headers");
			}
			if (chunked) {
				long size;
				do {
					String sizeLine = line(in);
					if (sizeLine == null) {
						throw new IOException("Connection closed in the response body");
					}
					size = Long.parseLong(sizeLine.trim(), 16);
					skip(in, size);
					line(in);
				}
				while (size > 0);
			}
			else {
				skip(in, length);
			}
			return new Response(status, close);
		}

		private static void skip(InputStream in, long bytes) throws IOException {
			// Throws EOFException when the stream ends first
			in.skipNBytes(bytes);
		}

		private static String line(InputStream in) throws IOException {
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			int c;
			while ((c = in.read()) != -1) {
				if (c == '\n') {
					String text = line.toString(StandardCharsets.ISO_8859_1);
					return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
				}
				line.write(c);
			}
			return null;
		}

	}

	record Outcome(boolean reused, boolean afterSigterm, boolean ok, boolean closeAsked, String result) {

	}

}
