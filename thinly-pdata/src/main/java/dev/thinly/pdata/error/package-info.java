/**
 * Unchecked exceptions shared by every layer. The lowest package: depends on nothing but the JDK.
 */
package dev.thinly.pdata.error;
