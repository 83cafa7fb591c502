package dev.trafficguard.web;

import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Puts a {@link ProblemErrorReportValve} in the place of Tomcat's error report valve.
 * Spring Boot adds a plain {@link ErrorReportValve} to the host in a context customizer of
 * its own; this customizer runs after Boot's, so its context customizer finds that valve and
 * replaces it, and tells the host to use the problem valve, so that the host adds no other
 * when it starts.
 */
public final class ProblemErrorReportValveCustomizer
		implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

	@Override
	public void customize(ConfigurableTomcatWebServerFactory factory) {
		factory.addContextCustomizers(ProblemErrorReportValveCustomizer::install);
	}

	private static void install(Context context) {
		Container host = context.getParent();
		if (host == null) {
			return;
		}
		Pipeline pipeline = host.getPipeline();
		for (Valve valve : pipeline.getValves()) {
			if (valve instanceof ProblemErrorReportValve) {
				return;
			}
			if (valve instanceof ErrorReportValve) {
				pipeline.removeValve(valve);
			}
		}
		if (host instanceof StandardHost standardHost) {
			standardHost.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
		}
		pipeline.addValve(new ProblemErrorReportValve());
	}

	@Override
	public int getOrder() {
		// After Spring Boot's TomcatWebServerFactoryCustomizer (order 0), which adds its valve
		return 1;
	}

}
