/**
 * The agent's side of the servlet API: wrappers that copy request and response bodies as they pass,
 * and the reads the agent makes of requests and responses. Compiled against {@code jakarta.servlet}
 * but never loaded by the agent's own class loader: {@code io.retrace.agent.capture.ServletApis}
 * defines these classes beside each copy of the servlet API an application uses, renamed to {@code
 * javax.servlet} for a Servlet 4 API, so no agent code outside this package may name them, and they
 * may use only what Servlet 4 has too. They may use the JDK, the servlet API and the agent's {@code
 * capture} types ({@code ServletApi}, {@code BodyTee}).
 */
package io.retrace.agent.servlet;
