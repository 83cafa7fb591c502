package dev.trafficguard.web;

import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.http.InvalidParameterException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for problem details: exceptions that
 * escape a request and that a feature's {@link ProblemMapper} knows are answered with RFC 9457
 * {@code application/problem+json}, and so are requests Tomcat rejects itself, parameters it
 * cannot parse, empty error responses, and Spring MVC's own errors, which name the parameter
 * at fault.
 */
@AutoConfiguration(after = TrafficGuardAutoConfiguration.class,
		beforeName = "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration")
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass(HandlerExceptionResolver.class)
@ConditionalOnBooleanProperty(name = { "traffic-guard.enabled", "traffic-guard.web.problem-details.enabled" },
		matchIfMissing = true)
@EnableConfigurationProperties(TrafficGuardWebProperties.class)
public final class ProblemDetailsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ProblemExceptionResolver trafficGuardProblemExceptionResolver(ObjectProvider<ProblemMapper> mappers) {
		return new ProblemExceptionResolver(mappers.orderedStream().toList());
	}

	/**
	 * Spring MVC's problem details, naming the request parameter that is missing or has a
	 * value of the wrong type. Takes the place of Spring Boot's handler, as Boot's takes no
	 * other's: the application's own {@link ResponseEntityExceptionHandler} wins.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ResponseEntityExceptionHandler.class)
	@ConditionalOnBooleanProperty("spring.mvc.problemdetails.enabled")
	static class ParameterProblemConfiguration {

		@Bean
		@ConditionalOnMissingBean(ResponseEntityExceptionHandler.class)
		@Order(0)
		ParameterProblemExceptionHandler trafficGuardParameterProblemExceptionHandler() {
			return new ParameterProblemExceptionHandler();
		}

	}

	/**
	 * What Tomcat rejects before the application sees it, and parameters Tomcat cannot
	 * parse, answered as problem details.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ConfigurableTomcatWebServerFactory.class, ErrorReportValve.class,
			InvalidParameterException.class })
	static class TomcatProblemConfiguration {

		@Bean
		@ConditionalOnMissingBean
		InvalidParameterProblemMapper trafficGuardInvalidParameterProblemMapper() {
			return new InvalidParameterProblemMapper();
		}

		@Bean
		@ConditionalOnMissingBean
		ProblemErrorReportValveCustomizer trafficGuardProblemErrorReportValveCustomizer() {
			return new ProblemErrorReportValveCustomizer();
		}

	}

}
