//! The payment step of a top-up, behind a trait. The built-in gateway is a simulation:
//! cash is approved at once; the other channels approve unless told to decline or time out.

use crate::domain::Fen;
use crate::domain::Problem;
use crate::domain::topup::Channel;
use std::collections::HashMap;

/// What is asked of the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRequest {
    /// The top-up's idempotency key (a real gateway takes it as its own).
    pub request_id: String,
    /// Channel.
    pub channel: Channel,
    /// What the payer pays.
    pub paid: Fen,
}

/// The gateway's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayOutcome {
    /// Paid; the gateway's reference.
    Approved(String),
    /// Refused (card declined, balance short, …), with the reason.
    Declined(String),
    /// No answer in time: the payment stays pending.
    TimedOut,
}

/// A payment gateway.
pub trait PaymentGateway: Send {
    /// Takes a payment.
    fn charge(&mut self, req: &ChargeRequest) -> GatewayOutcome;
    /// Asks again about a payment that timed out (the clerk completes it).
    fn query(&mut self, req: &ChargeRequest) -> GatewayOutcome;
}

/// How the simulated gateway answers for one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Approve.
    Approve,
    /// Decline.
    Decline,
    /// Time out.
    Timeout,
}

impl Behaviour {
    fn parse(s: &str) -> Option<Behaviour> {
        match s.trim() {
            "approve" | "ok" => Some(Behaviour::Approve),
            "decline" => Some(Behaviour::Decline),
            "timeout" => Some(Behaviour::Timeout),
            _ => None,
        }
    }
}

/// The simulated gateway. Cash always approves (the clerk holds the money).
#[derive(Debug, Clone, Default)]
pub struct SimulatedGateway {
    charge: HashMap<Channel, Behaviour>,
    query: Option<Behaviour>,
}

impl SimulatedGateway {
    /// A gateway that approves everything.
    pub fn approving() -> SimulatedGateway {
        SimulatedGateway::default()
    }

    /// Tells the gateway how to answer charges on a (non-cash) channel.
    pub fn set(&mut self, channel: Channel, b: Behaviour) -> &mut Self {
        self.charge.insert(channel, b);
        self
    }

    /// Tells the gateway how to answer queries about timed-out payments (default: approve).
    pub fn set_query(&mut self, b: Behaviour) -> &mut Self {
        self.query = Some(b);
        self
    }

    /// Reads a configuration such as `card=decline,alipay=timeout,query=timeout`, or a single
    /// `decline` / `timeout` for every non-cash channel (the `TOUCHPOINT_GATEWAY` variable).
    pub fn parse(spec: &str) -> Result<SimulatedGateway, Problem> {
        let bad = |part: &str| {
            Problem::bad_input(
                format!(
                    "模拟支付配置“{part}”无法识别：例如 card=decline,alipay=timeout,query=timeout"
                ),
                format!(
                    "cannot read the simulated gateway setting \"{part}\": use e.g. card=decline,alipay=timeout,query=timeout"
                ),
            )
        };
        let mut g = SimulatedGateway::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once('=') {
                None => {
                    let b = Behaviour::parse(part).ok_or_else(|| bad(part))?;
                    for c in [Channel::Card, Channel::Alipay, Channel::Wechat] {
                        g.set(c, b);
                    }
                }
                Some(("query", v)) => {
                    g.set_query(Behaviour::parse(v).ok_or_else(|| bad(part))?);
                }
                Some((k, v)) => {
                    let c = Channel::parse(k).map_err(|_| bad(part))?;
                    g.set(c, Behaviour::parse(v).ok_or_else(|| bad(part))?);
                }
            }
        }
        Ok(g)
    }

    /// The gateway configured by `TOUCHPOINT_GATEWAY` (approving when unset or unreadable).
    pub fn from_env() -> SimulatedGateway {
        match std::env::var("TOUCHPOINT_GATEWAY") {
            Ok(s) => SimulatedGateway::parse(&s).unwrap_or_else(|e| {
                tracing::warn!("TOUCHPOINT_GATEWAY ignored: {e}");
                SimulatedGateway::default()
            }),
            Err(_) => SimulatedGateway::default(),
        }
    }

    fn answer(b: Behaviour, req: &ChargeRequest) -> GatewayOutcome {
        match b {
            Behaviour::Approve => GatewayOutcome::Approved(format!(
                "SIM-{}-{}",
                req.channel.code().to_ascii_uppercase(),
                req.request_id.chars().take(12).collect::<String>()
            )),
            Behaviour::Decline => {
                GatewayOutcome::Declined("declined by the simulated gateway".into())
            }
            Behaviour::Timeout => GatewayOutcome::TimedOut,
        }
    }
}

impl PaymentGateway for SimulatedGateway {
    fn charge(&mut self, req: &ChargeRequest) -> GatewayOutcome {
        let b = match req.channel {
            Channel::Cash => Behaviour::Approve,
            c => self.charge.get(&c).copied().unwrap_or(Behaviour::Approve),
        };
        Self::answer(b, req)
    }

    fn query(&mut self, req: &ChargeRequest) -> GatewayOutcome {
        Self::answer(self.query.unwrap_or(Behaviour::Approve), req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(channel: Channel) -> ChargeRequest {
        ChargeRequest {
            request_id: "r1".into(),
            channel,
            paid: Fen(100),
        }
    }

    #[test]
    fn cash_always_approves_and_others_follow_the_setting() {
        let mut g = SimulatedGateway::parse("decline").unwrap();
        assert!(matches!(
            g.charge(&req(Channel::Cash)),
            GatewayOutcome::Approved(_)
        ));
        assert!(matches!(
            g.charge(&req(Channel::Card)),
            GatewayOutcome::Declined(_)
        ));
        let mut g = SimulatedGateway::parse("card=timeout, wechat=decline,query=timeout").unwrap();
        assert_eq!(g.charge(&req(Channel::Card)), GatewayOutcome::TimedOut);
        assert!(matches!(
            g.charge(&req(Channel::Wechat)),
            GatewayOutcome::Declined(_)
        ));
        assert!(matches!(
            g.charge(&req(Channel::Alipay)),
            GatewayOutcome::Approved(_)
        ));
        assert_eq!(g.query(&req(Channel::Card)), GatewayOutcome::TimedOut);
        assert!(SimulatedGateway::parse("card=maybe").is_err());
        assert!(SimulatedGateway::parse("paypal=decline").is_err());
        assert!(matches!(
            SimulatedGateway::approving().query(&req(Channel::Card)),
            GatewayOutcome::Approved(_)
        ));
    }
}
