package dev.trafficguard.deadline;

import dev.trafficguard.actuate.TrafficGuardEndpointAutoConfiguration;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.test.TrafficGuardDefaultsInitializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.task.TaskDecorator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DeadlineAutoConfiguration}.
 */
class DeadlineAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class,
				TrafficGuardEndpointAutoConfiguration.class, DeadlineAutoConfiguration.class))
		.withInitializer(new TrafficGuardDefaultsInitializer());

	@Test
	void registersTheFilterTheTaskDecoratorAndTheMapperOutOfTheBox() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(DeadlineFilter.class)
				.hasSingleBean(DeadlineTaskDecorator.class)
				.hasSingleBean(DeadlineProblemMapper.class)
				.hasSingleBean(DeadlineMetrics.class)
				.hasSingleBean(DeadlineHttpClientCustomizer.class)
				.hasSingleBean(DeadlineDataSourcePostProcessor.class)
				.hasBean("trafficGuardDeadlineContributor");
			FilterRegistrationBean<?> registration = context.getBean("trafficGuardDeadlineFilterRegistration",
					FilterRegistrationBean.class);
			assertThat(registration.getOrder()).isEqualTo(DeadlineFilter.ORDER);
		});
	}

	@Test
	void featureSwitchOffRemovesEverything() {
		this.contextRunner.withPropertyValues("traffic-guard.deadline.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(DeadlineFilter.class)
				.doesNotHaveBean(TaskDecorator.class)
				.doesNotHaveBean(DeadlineProblemMapper.class)
				.doesNotHaveBean(DeadlineHttpClientCustomizer.class)
				.doesNotHaveBean(DeadlineDataSourcePostProcessor.class);
		});
	}

	@Test
	void masterSwitchOffRemovesEverything() {
		this.contextRunner.withPropertyValues("traffic-guard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DeadlineFilter.class)
				.doesNotHaveBean(TaskDecorator.class));
	}

	@Test
	void usersOwnTaskDecoratorOfTheSameTypeWins() {
		this.contextRunner
			.withBean("mine", DeadlineTaskDecorator.class, () -> new DeadlineTaskDecorator(new DeadlineCounters()))
			.run((context) -> assertThat(context).hasSingleBean(DeadlineTaskDecorator.class).hasBean("mine"));
	}

	@Test
	void rulesBindInOrder() {
		this.contextRunner
			.withPropertyValues("traffic-guard.deadline.rules.reports.paths=/reports/**",
					"traffic-guard.deadline.rules.reports.budget=30s", "traffic-guard.deadline.rules.all.paths=/**",
					"traffic-guard.deadline.rules.all.budget=2s")
			.run((context) -> {
				DeadlineRules rules = context.getBean(DeadlineRules.class);
				assertThat(rules.views()).extracting(DeadlineRules.RuleView::name).containsExactly("reports", "all");
				assertThat(rules.budgetNanos("/reports/7")).isEqualTo(30_000_000_000L);
				assertThat(rules.budgetNanos("/other")).isEqualTo(2_000_000_000L);
			});
	}

	@Test
	void budgetOutOfRangeFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("traffic-guard.deadline.default-budget=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("traffic-guard.deadline.default-budget")
				.hasMessageContaining("between 1ms and 1h"));
		this.contextRunner
			.withPropertyValues("traffic-guard.deadline.rules.r.paths=/x", "traffic-guard.deadline.rules.r.budget=2h")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("traffic-guard.deadline.rules.r.budget"));
	}

	@Test
	void badPatternOrHeaderNameFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("traffic-guard.deadline.rules.r.paths=reports")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("traffic-guard.deadline.rules.r.paths[0]"));
		this.contextRunner.withPropertyValues("traffic-guard.deadline.header.name=X Budget")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("traffic-guard.deadline.header.name"));
	}

}
