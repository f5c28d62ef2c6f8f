/**
 * The test cluster for machines with Docker ({@code -Pdocker}): Kafka and Apicurio Registry in
 * containers, through Testcontainers. Compiled only under that profile; never the default.
 */
@NullMarked
package io.hashstream.testsupport.docker;

import org.jspecify.annotations.NullMarked;
