package dev.trafficguard.web;

import dev.trafficguard.properties.TrafficGuardAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for problem details: exceptions that
 * escape a request and that a feature's {@link ProblemMapper} knows are answered with RFC 9457
 * {@code application/problem+json}.
 */
@AutoConfiguration(after = TrafficGuardAutoConfiguration.class)
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

}
