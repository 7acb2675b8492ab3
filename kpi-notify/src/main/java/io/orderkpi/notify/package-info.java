/**
 * The {@code email} notification channel: {@link io.orderkpi.notify.EmailNotifier} sends
 * OrderKPI's notifications over SMTP with Jakarta Mail (the Eclipse Angus implementation), through
 * a small pool of open connections, configured by {@link io.orderkpi.notify.SmtpSettings}. The
 * texts come from kpi-core's {@code NotificationTemplates}; an application can replace the e-mail
 * form of them with its own {@link io.orderkpi.notify.EmailTemplate}.
 */
package io.orderkpi.notify;
