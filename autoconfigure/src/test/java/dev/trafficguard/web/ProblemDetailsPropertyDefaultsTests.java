package dev.trafficguard.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.web.servlet.DispatcherServlet;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemDetailsPropertyDefaultsTests {

	@Test
	void turnsSpringMvcProblemDetailsOn() {
		Map<String, Object> defaults = new LinkedHashMap<>();
		new ProblemDetailsPropertyDefaults().contribute(new StandardEnvironment(), defaults);
		assertThat(defaults).containsEntry("spring.mvc.problemdetails.enabled", true);
	}

	@Test
	void contributesNothingWithoutSpringMvc() {
		Map<String, Object> defaults = new LinkedHashMap<>();
		new ProblemDetailsPropertyDefaults(new FilteredClassLoader(DispatcherServlet.class))
			.contribute(new StandardEnvironment(), defaults);
		assertThat(defaults).isEmpty();
	}

}
