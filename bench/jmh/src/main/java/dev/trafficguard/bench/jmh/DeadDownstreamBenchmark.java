package dev.trafficguard.bench.jmh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * A call to a dead downstream (it accepts the connection and never answers, so each call
 * hangs until the read timeout), through the {@code RestClient} a Spring Boot application
 * injects: plain Spring Boot ({@code traffic-guard.enabled=false}) against Traffic Guard,
 * whose per-host circuit breaker opens after the first 10 failed calls. Both use the same
 * read timeout ({@code spring.http.clients.read-timeout}), which Traffic Guard honours over
 * its own response timeout. The breaker is tripped in the setup, so the measurement is the
 * steady state while the downstream stays dead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DeadDownstreamBenchmark {

	static final String READ_TIMEOUT = "200ms";

	@Param({ "spring-boot", "traffic-guard" })
	public String client;

	private DeadServer server;

	private ConfigurableApplicationContext context;

	private RestClient restClient;

	private String url;

	@Setup(Level.Trial)
	public void start() throws IOException {
		this.server = new DeadServer();
		this.url = "http://127.0.0.1:" + this.server.port() + "/";
		this.context = new SpringApplicationBuilder(BenchApplication.class).web(WebApplicationType.NONE)
			.properties("logging.level.root=warn",
					"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
					"spring.http.clients.read-timeout=" + READ_TIMEOUT,
					"traffic-guard.enabled=" + "traffic-guard".equals(this.client))
			.run();
		this.restClient = this.context.getBean(RestClient.Builder.class).build();
		// The breaker's minimum number of calls; without a breaker these are 10 more timeouts.
		for (int i = 0; i < 10; i++) {
			callDeadDownstream();
		}
	}

	@TearDown(Level.Trial)
	public void stop() throws IOException {
		this.context.close();
		this.server.close();
	}

	@Benchmark
	public Object callDeadDownstream() {
		try {
			return this.restClient.get().uri(this.url).retrieve().body(String.class);
		}
		catch (RuntimeException ex) {
			// ResourceAccessException (read timeout) or CallNotPermittedException (open).
			return ex;
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class BenchApplication {

	}

	/**
	 * Accepts connections and never answers. Keeps the most recent 256 sockets open.
	 */
	static final class DeadServer implements AutoCloseable {

		private final ServerSocket serverSocket = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());

		private final Deque<Socket> sockets = new ArrayDeque<>();

		private final Thread acceptor = new Thread(this::accept, "dead-downstream");

		DeadServer() throws IOException {
			this.acceptor.setDaemon(true);
			this.acceptor.start();
		}

		int port() {
			return this.serverSocket.getLocalPort();
		}

		private void accept() {
			while (!this.serverSocket.isClosed()) {
				try {
					Socket socket = this.serverSocket.accept();
					synchronized (this.sockets) {
						this.sockets.addLast(socket);
						if (this.sockets.size() > 256) {
							this.sockets.removeFirst().close();
						}
					}
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		@Override
		public void close() throws IOException {
			this.serverSocket.close();
			synchronized (this.sockets) {
				for (Socket socket : this.sockets) {
					socket.close();
				}
			}
		}

	}

}
