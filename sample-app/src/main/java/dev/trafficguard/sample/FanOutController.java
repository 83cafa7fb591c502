package dev.trafficguard.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/fanout?n=N&ms=M}: N subtasks of M milliseconds each on the application's
 * task executor, fanned in, results in order.
 */
@RestController
class FanOutController {

	static final int MAX_TASKS = 100;

	private final AsyncTaskExecutor executor;

	FanOutController(AsyncTaskExecutor applicationTaskExecutor) {
		this.executor = applicationTaskExecutor;
	}

	@GetMapping("/api/fanout")
	Map<String, Object> fanOut(@RequestParam(defaultValue = "4") int n, @RequestParam(defaultValue = "10") int ms) {
		WorkController.requireBetween("n", n, 1, MAX_TASKS);
		WorkController.requireBetween("ms", ms, 0, WorkController.MAX_MS);
		List<CompletableFuture<String>> futures = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			int task = i;
			futures.add(this.executor.submitCompletable(() -> {
				Thread.sleep(ms);
				return "task-" + task;
			}));
		}
		List<String> results = futures.stream().map(CompletableFuture::join).toList();
		return Map.of("tasks", n, "results", results);
	}

}
