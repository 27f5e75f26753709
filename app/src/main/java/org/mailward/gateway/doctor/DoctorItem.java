package org.mailward.gateway.doctor;

import java.util.Locale;
import java.util.Objects;

/**
 * One line of the doctor's checklist.
 *
 * @param id      a CHECKS.md rule id where one fits, else a {@code DOCTOR-*} id
 * @param status  the verdict
 * @param subject what was checked (a host name, an address, a domain, a file)
 * @param summary what was seen
 * @param fix     what to change (a record to publish, a configuration key); empty when nothing is to be done
 */
public record DoctorItem(String id, Status status, String subject, String summary, String fix) {

    /** Verdicts, in increasing order of severity. */
    public enum Status {
        PASS, INFO, WARN, ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DoctorItem {
        Objects.requireNonNull(id);
        Objects.requireNonNull(status);
        Objects.requireNonNull(subject);
        Objects.requireNonNull(summary);
        Objects.requireNonNull(fix);
    }

    static DoctorItem pass(String id, String subject, String summary) {
        return new DoctorItem(id, Status.PASS, subject, summary, "");
    }

    static DoctorItem of(String id, Status status, String subject, String summary, String fix) {
        return new DoctorItem(id, status, subject, summary, fix);
    }
}
