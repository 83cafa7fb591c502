package dev.trafficguard.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.coyote.http11.Http11Processor;
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
	void quietsTomcatsParseErrorLogWhereTomcatRuns() {
		Map<String, Object> defaults = new LinkedHashMap<>();
		new ProblemDetailsPropertyDefaults().contribute(new StandardEnvironment(), defaults);
		assertThat(defaults).containsEntry(ProblemDetailsPropertyDefaults.TOMCAT_PARSE_ERROR_LOGGER, "warn");
	}

	@Test
	void contributesNothingWithoutSpringMvcAndTomcat() {
		Map<String, Object> defaults = new LinkedHashMap<>();
		new ProblemDetailsPropertyDefaults(new FilteredClassLoader(DispatcherServlet.class, Http11Processor.class))
			.contribute(new StandardEnvironment(), defaults);
		assertThat(defaults).isEmpty();
	}

}
