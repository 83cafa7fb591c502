package dev.trafficguard.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 downstream on a loopback port that a test controls: it answers with a
 * chosen status, or hangs until it is closed, and counts the connections and requests it
 * sees. Keep-alive is honoured, so a test can tell whether clients reuse connections.
 */
public final class Downstream implements AutoCloseable {

	private static final int MAX_CONNECTIONS = 64;

	private final ServerSocket serverSocket;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final Semaphore connectionSlots = new Semaphore(MAX_CONNECTIONS);

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final AtomicInteger connections = new AtomicInteger();

	private final AtomicInteger requests = new AtomicInteger();

	private final Semaphore requestArrivals = new Semaphore(0);

	private final CountDownLatch closed = new CountDownLatch(1);

	private volatile int status = 200;

	private volatile boolean hang;

	public Downstream() throws IOException {
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.executor.execute(this::accept);
	}

	/**
	 * A port nobody listens on: connecting to it is refused.
	 * @return the port
	 * @throws IOException if no port can be found
	 */
	public static int refusingPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	public String url() {
		return "http://127.0.0.1:" + port();
	}

	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/**
	 * Answer every further request with this status.
	 * @param status the status
	 * @return this downstream
	 */
	public Downstream answer(int status) {
		this.hang = false;
		this.status = status;
		return this;
	}

	/**
	 * Hang on every further request until the downstream is closed.
	 * @return this downstream
	 */
	public Downstream hang() {
		this.hang = true;
		return this;
	}

	public int connections() {
		return this.connections.get();
	}

	public int requests() {
		return this.requests.get();
	}

	/**
	 * Wait until this many further requests have arrived.
	 * @param count the number of requests
	 * @throws InterruptedException if interrupted
	 */
	public void awaitRequests(int count) throws InterruptedException {
		if (!this.requestArrivals.tryAcquire(count, 30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Fewer than " + count + " requests arrived");
		}
	}

	private void accept() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket socket = this.serverSocket.accept();
				if (isClosed() || !this.connectionSlots.tryAcquire()) {
					socket.close();
					continue;
				}
				this.connections.incrementAndGet();
				this.sockets.add(socket);
				// Closed meanwhile: close() may have missed this socket.
				if (isClosed()) {
					socket.close();
					return;
				}
				try {
					this.executor.execute(() -> serve(socket));
				}
				catch (RejectedExecutionException ex) {
					socket.close();
				}
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
			OutputStream out = socket.getOutputStream();
			String line;
			while ((line = reader.readLine()) != null) {
				if (line.isEmpty()) {
					continue;
				}
				// Skip the headers; the tests send no bodies.
				while ((line = reader.readLine()) != null && !line.isEmpty()) {
				}
				this.requests.incrementAndGet();
				this.requestArrivals.release();
				if (this.hang) {
					this.closed.await();
					return;
				}
				int code = this.status;
				String body = "{\"status\":" + code + "}";
				String response = "HTTP/1.1 " + code + " Status\r\nContent-Type: application/json\r\nContent-Length: "
						+ body.length() + "\r\n\r\n" + body;
				out.write(response.getBytes(StandardCharsets.ISO_8859_1));
				out.flush();
			}
		}
		catch (IOException | InterruptedException ex) {
			// The client went away or the downstream closed.
		}
		finally {
			this.sockets.remove(socket);
			this.connectionSlots.release();
		}
	}

	private boolean isClosed() {
		return this.closed.getCount() == 0;
	}

	@Override
	public void close() throws IOException {
		this.closed.countDown();
		this.serverSocket.close();
		this.executor.shutdownNow();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

}
