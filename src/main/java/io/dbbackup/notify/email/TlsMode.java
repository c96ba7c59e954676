package io.dbbackup.notify.email;

/** How the SMTP connection is protected: STARTTLS (required, never a silent fall-back to clear text), TLS from the first byte (port 465), or none. */
enum TlsMode {
    STARTTLS, IMPLICIT, NONE
}
