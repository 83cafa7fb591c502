package dev.trafficguard.startertests;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "traffic_guard_starter_tests_greeting")
class Greeting {

	@Id
	@GeneratedValue
	Long id;

	String text;

}
