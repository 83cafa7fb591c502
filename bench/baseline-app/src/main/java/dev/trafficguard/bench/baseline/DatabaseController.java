package dev.trafficguard.bench.baseline;

import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/db?hold-ms=N}: takes a connection from the pool, runs a query and holds
 * the connection N milliseconds inside the transaction.
 */
@RestController
class DatabaseController {

	private final JdbcTemplate jdbcTemplate;

	DatabaseController(JdbcTemplate jdbcTemplate) {
		this.jdbcTemplate = jdbcTemplate;
	}

	@GetMapping("/api/db")
	@Transactional(readOnly = true)
	public Map<String, Object> query(@RequestParam(name = "hold-ms", defaultValue = "0") int holdMs)
			throws InterruptedException {
		WorkController.requireBetween("hold-ms", holdMs, 0, WorkController.MAX_MS);
		Integer answer = this.jdbcTemplate.queryForObject("SELECT 1", Integer.class);
		if (holdMs > 0) {
			Thread.sleep(holdMs);
		}
		return Map.of("result", answer, "held-ms", holdMs);
	}

}
