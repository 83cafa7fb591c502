package dev.trafficguard.bench.baseline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.core.env.Environment;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.server.ResponseStatusException;

/**
 * The benchmark's baseline: a plain Spring Boot app, with Boot's defaults and no Traffic
 * Guard, serving the sample app's endpoints so both can be driven by the same load.
 */
@SpringBootApplication
public class BaselineApplication {

	public static void main(String[] args) {
		SpringApplication.run(BaselineApplication.class, args);
	}

	@RestController
	static class Endpoints {

		private final JdbcTemplate jdbcTemplate;

		private final AsyncTaskExecutor executor;

		private final RestClient restClient;

		private final Environment environment;

		Endpoints(JdbcTemplate jdbcTemplate, AsyncTaskExecutor applicationTaskExecutor, RestClient.Builder builder,
				Environment environment) {
			this.jdbcTemplate = jdbcTemplate;
			this.executor = applicationTaskExecutor;
			this.restClient = builder.build();
			this.environment = environment;
		}

		@GetMapping("/api/work")
		Map<String, Object> work(@RequestParam(defaultValue = "0") int ms) throws InterruptedException {
			check(ms >= 0 && ms <= 10_000);
			Thread.sleep(ms);
			return Map.of("worked-ms", ms, "thread", Thread.currentThread().getName());
		}

		@GetMapping("/api/db")
		@Transactional(readOnly = true)
		public Map<String, Object> db(@RequestParam(name = "hold-ms", defaultValue = "0") int holdMs)
				throws InterruptedException {
			check(holdMs >= 0 && holdMs <= 10_000);
			Integer answer = this.jdbcTemplate.queryForObject("SELECT 1", Integer.class);
			Thread.sleep(holdMs);
			return Map.of("result", answer, "held-ms", holdMs);
		}

		@GetMapping("/api/downstream")
		Map<String, Object> downstream() {
			String url = this.environment.getRequiredProperty("sample.downstream-url");
			String body = this.restClient.get().uri(url + "/").retrieve().body(String.class);
			return Map.of("downstream", url, "body", (body != null) ? body : "");
		}

		@GetMapping("/stub/")
		Map<String, Object> stub() {
			return Map.of("stub", true);
		}

		@GetMapping("/api/fanout")
		Map<String, Object> fanOut(@RequestParam(defaultValue = "4") int n, @RequestParam(defaultValue = "10") int ms) {
			check(n >= 1 && n <= 100 && ms >= 0 && ms <= 10_000);
			List<CompletableFuture<String>> futures = new ArrayList<>(n);
			for (int i = 0; i < n; i++) {
				int task = i;
				futures.add(this.executor.submitCompletable(() -> {
					Thread.sleep(ms);
					return "task-" + task;
				}));
			}
			return Map.of("tasks", n, "results", futures.stream().map(CompletableFuture::join).toList());
		}

		private static void check(boolean valid) {
			if (!valid) {
				throw new ResponseStatusException(org.springframework.http.HttpStatus.BAD_REQUEST);
			}
		}

	}

}
