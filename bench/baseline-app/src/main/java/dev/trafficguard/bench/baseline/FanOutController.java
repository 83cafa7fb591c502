package dev.trafficguard.bench.baseline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/fanout?n=N&ms=M&parallelism=P}: N subtasks of M milliseconds each on
 * Spring Boot's {@code applicationTaskExecutor}, fanned in, results in order: the sample
 * app's controller as it runs with Traffic Guard switched off (all tasks at once).
 */
@RestController
class FanOutController {

	static final int MAX_TASKS = 100;

	private final AsyncTaskExecutor executor;

	FanOutController(AsyncTaskExecutor applicationTaskExecutor) {
		this.executor = applicationTaskExecutor;
	}

	@GetMapping("/api/fanout")
	Map<String, Object> fanOut(@RequestParam(defaultValue = "4") int n, @RequestParam(defaultValue = "10") int ms,
			@RequestParam(defaultValue = "4") int parallelism) {
		WorkController.requireBetween("n", n, 1, MAX_TASKS);
		WorkController.requireBetween("ms", ms, 0, WorkController.MAX_MS);
		WorkController.requireBetween("parallelism", parallelism, 1, MAX_TASKS);
		List<Callable<String>> tasks = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			int task = i;
			tasks.add(() -> {
				Thread.sleep(ms);
				return "task-" + task;
			});
		}
		List<String> results = unbounded(tasks);
		return Map.of("tasks", n, "parallelism", parallelism, "results", results);
	}

	private List<String> unbounded(List<Callable<String>> tasks) {
		List<CompletableFuture<String>> futures = new ArrayList<>(tasks.size());
		for (Callable<String> task : tasks) {
			futures.add(this.executor.submitCompletable(task));
		}
		return futures.stream().map(CompletableFuture::join).toList();
	}

}
