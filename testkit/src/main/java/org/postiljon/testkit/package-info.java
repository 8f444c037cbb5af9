/**
 * Shared by tests and benchmarks: sample mail. JDK only, so any module's tests may use it.
 * (A real-server harness on free ports joins it with the first protocol module.)
 */
package org.postiljon.testkit;
