package dev.trafficguard.startertests;

import org.springframework.data.jpa.repository.JpaRepository;

interface Greetings extends JpaRepository<Greeting, Long> {

}
