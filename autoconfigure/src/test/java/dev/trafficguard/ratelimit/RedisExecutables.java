package dev.trafficguard.ratelimit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds Redis's programs ({@code redis-server}, {@code redis-cli}) on the {@code PATH},
 * wherever the machine installed them.
 */
final class RedisExecutables {

	private RedisExecutables() {
	}

	/**
	 * The absolute path of a program on the {@code PATH}.
	 * @param name the program, such as {@code redis-server}
	 * @return its path
	 * @throws IllegalStateException naming the program and how to install it, if the
	 * {@code PATH} has none
	 */
	static String find(String name) {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String directory : path.split(File.pathSeparator)) {
				if (directory.isEmpty()) {
					continue;
				}
				Path candidate = Path.of(directory, name);
				if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return candidate.toAbsolutePath().toString();
				}
			}
		}
		throw new IllegalStateException(name + " is not on the PATH (" + path + "). These tests start Redis servers"
				+ " of their own: install Redis (e.g. apt-get install redis-server, which .ci/run does) or put its"
				+ " bin directory on the PATH.");
	}

}
