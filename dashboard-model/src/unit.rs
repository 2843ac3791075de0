// Generated from Grafana's units kind (grafana-foundation-sdk `units.jsonschema.json`, main
// f178d5a4). Kept as checked-in code so the workspace has no build script; regenerate by
// reading the schema's `definitions` (name -> const) if Grafana adds units.
use serde::{Deserialize, Deserializer, Serialize, Serializer};
/// A Grafana field unit. Typed so a typo is a compile error, not a panel that silently
/// shows raw numbers.
///
/// ```
/// use dashboard_model::Unit;
/// assert_eq!(Unit::Seconds.id(), "s");
/// assert_eq!(Unit::PercentUnit.id(), "percentunit");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Unit {
    /// NoUnit (`none`)
    NoUnit,
    /// String (`string`)
    String,
    /// Short (`short`)
    Short,
    /// SI short (`sishort`)
    SiShort,
    /// Percent (0-100) (`percent`)
    Percent,
    /// Percent (0.0-1.0) (`percentunit`)
    PercentUnit,
    /// Humidity (%H) (`humidity`)
    Humidity,
    /// Decibel (dB) (`dB`)
    Decibel,
    /// Candela (cd) (`candela`)
    Candela,
    /// Hexadecimal (0x) (`hex0x`)
    HexadecimalOx,
    /// Hexadecimal (`hex`)
    Hexadecimal,
    /// ScientificNotation (`sci`)
    ScientificNotation,
    /// LocaleFormat (`locale`)
    LocaleFormat,
    /// Pixels (px) (`pixel`)
    Pixels,
    /// Acceleration: Meters/sec² (m/sec²) (`accMS2`)
    MetersSecSquared,
    /// Acceleration: Feet/sec² (f/sec²) (`accFS2`)
    FeetSecSquared,
    /// G unit (g) (`accG`)
    GUnit,
    /// Angle: Degrees (°) (`degree`)
    Degrees,
    /// Angle: Radians (`radian`)
    Radians,
    /// Angle: Gradian (`grad`)
    Gradian,
    /// Angle: Arc Minutes (`arcmin`)
    ArcMinutes,
    /// Angle: Arc Seconds (`arcsec`)
    ArcSeconds,
    /// Area: Square Meters (m²) (`areaM2`)
    SquareMeters,
    /// Area: Square Feet (ft²) (`areaF2`)
    SquareFeet,
    /// Area: Square Miles (mi²) (`areaMI2`)
    SquareMiles,
    /// Area: Acres (ac) (`acres`)
    Acres,
    /// Area: Hectares (ha) (`hectares`)
    Hectares,
    /// Computation: FLOP/s (`flops`)
    FlopsPerSecond,
    /// Computation: MFLOP/s (`mflops`)
    MegaFlopsPerSecond,
    /// Computation: GFLOP/s (`gflops`)
    GigaFlopsPerSecond,
    /// Computation: TFLOP/s (`tflops`)
    TeraFlopsPerSecond,
    /// Computation: PFLOP/s (`pflops`)
    PetaFlopsPerSecond,
    /// Computation: EFLOP/s (`eflops`)
    ExaFlopsPerSecond,
    /// Computation: ZFLOP/s (`zflops`)
    ZettaFlopsPerSecond,
    /// Computation: YFLOP/s (`yflops`)
    YottaFlopsPerSecond,
    /// Concentration: parts-per-million (ppm) (`ppm`)
    PartsPerMillion,
    /// Concentration: parts-per-billion (ppb) (`conppb`)
    PartsPerBillion,
    /// Concentration: nanogram per cubic meter (ng/m³) (`conngm3`)
    NanogramPerCubicMeter,
    /// Concentration: nanogram per normal cubic meter (ng/Nm³) (`conngNm3`)
    NanogramPerNormalCubicMeter,
    /// Concentration: microgram per cubic meter (μg/m³) (`conμgm3`)
    MicrogramPerCubicMeter,
    /// Concentration: microgram per normal cubic meter (μg/Nm³) (`conμgNm3`)
    MicrogramPerNormalCubicMeter,
    /// Concentration: milligram per cubic meter (mg/m³) (`conmgm3`)
    MilligramPerCubicMeter,
    /// Concentration: milligram per normal cubic meter (mg/Nm³) (`conmgNm3`)
    MilligramPerNormalCubicMeter,
    /// Concentration: gram per cubic meter (g/m³) (`congm3`)
    GramPerCubicMeter,
    /// Concentration: gram per normal cubic meter (g/Nm³) (`congNm3`)
    GramPerNormalCubicMeter,
    /// Concentration: milligrams per decilitre (mg/dL) (`conmgdL`)
    MilligramsPerDecilitre,
    /// Concentration: millimoles per litre (mmol/L) (`conmmolL`)
    MillimolesPerLiter,
    /// Currency: Dollars ($) (`currencyUSD`)
    Dollars,
    /// Currency: Pounds (£) (`currencyGBP`)
    Pounds,
    /// Currency: Euro (€) (`currencyEUR`)
    Euro,
    /// Currency: Yen (¥) (`currencyJPY`)
    Yen,
    /// Currency: Rubles (₽) (`currencyRUB`)
    Rubles,
    /// Currency: Hryvnias (₴) (`currencyUAH`)
    Hryvnias,
    /// Currency: Real (R$) (`currencyBRL`)
    Real,
    /// Currency: Danish Krone (kr) (`currencyDKK`)
    DanishKrone,
    /// Currency: Icelandic Króna (kr) (`currencyISK`)
    IcelandicKrona,
    /// Currency: Norwegian Krone (kr) (`currencyNOK`)
    NorwegianKrone,
    /// Currency: Swedish Krona (kr) (`currencySEK`)
    SwedishKrona,
    /// Currency: Czech koruna (czk) (`currencyCZK`)
    CzechKoruna,
    /// Currency: Swiss franc (CHF) (`currencyCHF`)
    SwissFranc,
    /// Currency: Polish Złoty (PLN) (`currencyPLN`)
    PolishZloty,
    /// Currency: Bitcoin (฿) (`currencyBTC`)
    Bictoin,
    /// Currency: Milli Bitcoin (฿) (`currencymBTC`)
    MilliBitcoin,
    /// Currency: Micro Bitcoin (฿) (`currencyμBTC`)
    MicroBitcoin,
    /// Currency: South African Rand (R) (`currencyZAR`)
    SouthAfricanRand,
    /// Currency: Indian Rupee (₹) (`currencyINR`)
    IndianRupee,
    /// Currency: South Korean Won (₩) (`currencyKRW`)
    SouthKoreanWon,
    /// Currency: Indonesian Rupiah (Rp) (`currencyIDR`)
    IndonesianRupiah,
    /// Currency: Philippine Peso (PHP) (`currencyPHP`)
    PhilippinePeso,
    /// Currency: Vietnamese Dong (VND) (`currencyVND`)
    VietnameseDong,
    /// Currency: Turkish Lira (₺) (`currencyTRY`)
    TurkishLira,
    /// Currency: Malaysian Ringgit (RM) (`currencyMYR`)
    MalaysianRinggit,
    /// Currency: CFP franc (XPF) (`currencyXPF`)
    CFPFranc,
    /// Currency: Bulgarian Lev (BGN) (`currencyBGN`)
    BulgarianLev,
    /// Currency: Guaraní (₲) (`currencyPYG`)
    Guarani,
    /// Currency: Uruguay Peso (UYU) (`currencyUYU`)
    UruguayPeso,
    /// Currency: Israeli New Shekels (₪) (`currencyILS`)
    IsraeliNewShekels,
    /// Data: bytes(IEC) (`bytes`)
    BytesIEC,
    /// Data: bytes(SI) (`decbytes`)
    BytesSI,
    /// Data: bits(IEC) (`bits`)
    BitsIEC,
    /// Data: bits(SI) (`decbits`)
    BitsSI,
    /// Data: kibibytes (`kbytes`)
    Kibibytes,
    /// Data: kilobytes (`deckbytes`)
    Kilobytes,
    /// Data: mebibytes (`mbytes`)
    Mebibytes,
    /// Data: megabytes (`decmbytes`)
    Megabytes,
    /// Data: gibibytes (`gbytes`)
    Gibibytes,
    /// Data: gigabytes (`decgbytes`)
    Gigabytes,
    /// Data: tebibytes (`tbytes`)
    Tebibytes,
    /// Data: terabytes (`dectbytes`)
    Terabytes,
    /// Data: pebibytes (`pbytes`)
    Pebibytes,
    /// Data: petabytes (`decpbytes`)
    Petabytes,
    /// Data rate: packets/sec (`pps`)
    PacketsPerSecond,
    /// Data rate: bytes/sec(IEC) (`binBps`)
    BytesPerSecondIEC,
    /// Data rate: bytes/sec(SI) (`Bps`)
    BytesPerSecondSI,
    /// Data rate: bits/sec(IEC) (`binbps`)
    BitsPerSecondIEC,
    /// Data rate: bits/sec(SI) (`bps`)
    BitsPerSecondSI,
    /// Data rate: kibibytes/sec (`KiBs`)
    KibibytesPerSecond,
    /// Data rate: kibibits/sec (`Kibits`)
    KibibitsPerSecond,
    /// Data rate: kilobytes/sec (`KBs`)
    KilobytesPerSecond,
    /// Data rate: kilobits/sec (`Kbits`)
    KilobitsPerSecond,
    /// Data rate: mebibytes/sec (`MiBs`)
    MebibytesPerSecond,
    /// Data rate: mebibits/sec (`Mibits`)
    MebibitsPerSecond,
    /// Data rate: megabytes/sec (`MBs`)
    MegabytesPerSecond,
    /// Data rate: megabits/sec (`Mbits`)
    MegabitsPerSecond,
    /// Data rate: gibibytes/sec (`GiBs`)
    GibibytesPerSecond,
    /// Data rate: gibibits/sec (`Gibits`)
    GibibitsPerSecond,
    /// Data rate: gigabytes/sec (`GBs`)
    GigabytesPerSecond,
    /// Data rate: gigabits/sec (`Gbits`)
    GigabitsPerSecond,
    /// Data rate: tebibytes/sec (`TiBs`)
    TebibytesPerSecond,
    /// Data rate: tebibits/sec (`Tibits`)
    TebibitsPerSecond,
    /// Data rate: terabytes/sec (`TBs`)
    TerabytesPerSecond,
    /// Data rate: terabits/sec (`Tbits`)
    TerabitsPerSecond,
    /// Data rate: pebibytes/sec (`PiBs`)
    PebibytesPerSecond,
    /// Data rate: pebibits/sec (`Pibits`)
    PebibitsPerSecond,
    /// Data rate: petabytes/sec (`PBs`)
    PetabytesPerSecond,
    /// Data rate: petabits/sec (`Pbits`)
    PetabitsPerSecond,
    /// Date & time: Datetime ISO (`dateTimeAsIso`)
    DatetimeISO,
    /// Date & time: Datetime ISO (No date if today) (`dateTimeAsIsoNoDateIfToday`)
    DatetimeISONotToday,
    /// Date & time: Datetime US (`dateTimeAsUS`)
    DatetimeUS,
    /// Date & time: Datetime US (No date if today) (`dateTimeAsUSNoDateIfToday`)
    DatetimeUSNotToday,
    /// Date & time: Datetime local (`dateTimeAsLocal`)
    DatetimeLocal,
    /// Date & time: Datetime local (No date if today) (`dateTimeAsLocalNoDateIfToday`)
    DatetimeLocalNotToday,
    /// Date & time: Datetime default (`dateTimeAsSystem`)
    DatetimeDefault,
    /// Date & time: From Now (`dateTimeFromNow`)
    DateTimeFromNow,
    /// Energy: Watt (W) (`watt`)
    Watt,
    /// Energy: Kilowatt (kW) (`kwatt`)
    KiloWatt,
    /// Energy: Megawatt (MW) (`megwatt`)
    MegaWatt,
    /// Energy: Gigawatt (GW) (`gwatt`)
    GigaWatt,
    /// Energy: Milliwatt (mW) (`mwatt`)
    MilliWatt,
    /// Energy: Watt per square meter (W/m²) (`Wm2`)
    WattPerSquareMeter,
    /// Energy: Volt-Ampere (VA) (`voltamp`)
    VoltAmpere,
    /// Energy: Kilovolt-Ampere (kVA) (`kvoltamp`)
    KiloVoltAmpere,
    /// Energy: Volt-Ampere reactive (VAr) (`voltampreact`)
    VoltAmpereReactive,
    /// Energy: Kilovolt-Ampere reactive (kVAr) (`kvoltampreact`)
    KiloVoltAmpereReactive,
    /// Energy: Watt-hour (Wh) (`watth`)
    WattHour,
    /// Energy: Watt-hour per Kilogram (Wh/kg) (`watthperkg`)
    WattHourPerKilogram,
    /// Energy: Kilowatt-hour (kWh) (`kwatth`)
    KiloWattHour,
    /// Energy: Kilowatt-min (kWm) (`kwattm`)
    KiloWattMinute,
    /// Energy: Megawatt-hour (MWh) (`mwatth`)
    MegaWattHour,
    /// Energy: Ampere-hour (Ah) (`amph`)
    AmpereHour,
    /// Energy: Kiloampere-hour (kAh) (`kamph`)
    KiloAmpereHour,
    /// Energy: Milliampere-hour (mAh) (`mamph`)
    MilliAmpereHour,
    /// Energy: Joule (J) (`joule`)
    Joule,
    /// Energy: Electron volt (eV) (`ev`)
    ElectronVolt,
    /// Energy: Ampere (A) (`amp`)
    Ampere,
    /// Energy: Kiloampere (kA) (`kamp`)
    KiloAmpere,
    /// Energy: Milliampere (mA) (`mamp`)
    MilliAmpere,
    /// Energy: Volt (V) (`volt`)
    Volt,
    /// Energy: Kilovolt (kV) (`kvolt`)
    KiloVolt,
    /// Energy: Millivolt (mV) (`mvolt`)
    MilliVolt,
    /// Energy: Decibel-milliwatt (dBm) (`dBm`)
    DecibelMilliWatt,
    /// Energy: Milliohm (mΩ) (`mohm`)
    MilliOhm,
    /// Energy: Ohm (Ω) (`ohm`)
    Ohm,
    /// Energy: Kiloohm (kΩ) (`kohm`)
    KiloOhm,
    /// Energy: Megaohm (MΩ) (`Mohm`)
    MegaOhm,
    /// Energy: Farad (F) (`farad`)
    Farad,
    /// Energy: Microfarad (µF) (`µfarad`)
    MicroFarad,
    /// Energy: Nanofarad (nF) (`nfarad`)
    NanoFarad,
    /// Energy: Picofarad (pF) (`pfarad`)
    PicoFarad,
    /// Energy: Femtofarad (fF) (`ffarad`)
    FemtoFarad,
    /// Energy: Henry (H) (`henry`)
    Henry,
    /// Energy: Millihenry (mH) (`mhenry`)
    MilliHenry,
    /// Energy: Microhenry (µH) (`µhenry`)
    MicroHenry,
    /// Energy: Lumens (Lm) (`lumens`)
    Lumens,
    /// Flow: Gallons/min (gpm) (`flowgpm`)
    GallonsPerMinute,
    /// Flow: Cubic meters/sec (cms) (`flowcms`)
    CubicMetersPerSecond,
    /// Flow: Cubic feet/sec (cfs) (`flowcfs`)
    CubicFeetPerSecond,
    /// Flow: Cubic feet/min (cfm) (`flowcfm`)
    CubicFeetPerMinute,
    /// Flow: Litre/hour (`litreh`)
    LitrePerHour,
    /// Flow: Litre/min (L/min) (`flowlpm`)
    LitrePerMinute,
    /// Flow: milliLitre/min (mL/min) (`flowmlpm`)
    MilliLitrePerMinute,
    /// Flow: Lux (lx) (`lux`)
    Lux,
    /// Force: Newton-meters (Nm) (`forceNm`)
    NewtonMeters,
    /// Force: Kilonewton-meters (kNm) (`forcekNm`)
    KiloNewtonMeters,
    /// Force: Newtons (N) (`forceN`)
    Newtons,
    /// Force: Kilonewtons (kN) (`forcekN`)
    KiloNewtons,
    /// Hash rate: hashes/sec (`Hs`)
    HashesPerSecond,
    /// Hash rate: kilohashes/sec (`KHs`)
    KiloHashesPerSecond,
    /// Hash rate: megahashes/sec (`MHs`)
    MegaHashesPerSecond,
    /// Hash rate: gigahashes/sec (`GHs`)
    GigaHashesPerSecond,
    /// Hash rate: terahashes/sec (`THs`)
    TeraHashesPerSecond,
    /// Hash rate: petahashes/sec (`PHs`)
    PetaHashesPerSecond,
    /// Hash rate: exahashes/sec (`EHs`)
    ExaHashesPerSecond,
    /// Mass: milligram (mg) (`massmg`)
    Milligram,
    /// Mass: gram (g) (`massg`)
    Gram,
    /// Mass: pound (lb) (`masslb`)
    Pound,
    /// Mass: kilogram (kg) (`masskg`)
    Kilogram,
    /// Mass: metric ton (t) (`masst`)
    MetricTon,
    /// Length: millimeter (mm) (`lengthmm`)
    Millimeter,
    /// Length: inch (in) (`lengthin`)
    Inch,
    /// Length: feet (ft) (`lengthft`)
    Feet,
    /// Length: meter (m) (`lengthm`)
    Meter,
    /// Length: kilometer (km) (`lengthkm`)
    Kilometer,
    /// Length: mile (mi) (`lengthmi`)
    Mile,
    /// Pressure: Millibars (`pressurembar`)
    Millibars,
    /// Pressure: Bars (`pressurebar`)
    Bars,
    /// Pressure: Kilobars (`pressurekbar`)
    Kilobars,
    /// Pressure: Pascals (`pressurepa`)
    Pascals,
    /// Pressure: Hectopascals (`pressurehpa`)
    Hectopascals,
    /// Pressure: Kilopascals (`pressurekpa`)
    Kilopascals,
    /// Pressure: Inches of mercury (`pressurehg`)
    InchesOfMercury,
    /// Pressure: PSI (`pressurepsi`)
    PSI,
    /// Radiation: Becquerel (Bq) (`radbq`)
    Becquerel,
    /// Radiation: curie (Ci) (`radci`)
    Curie,
    /// Radiation: Gray (Gy) (`radgy`)
    Gray,
    /// Radiation: rad (`radrad`)
    Rad,
    /// Radiation: Sievert (Sv) (`radsv`)
    Sievert,
    /// Radiation: milliSievert (mSv) (`radmsv`)
    Millisievert,
    /// Radiation: microSievert (µSv) (`radusv`)
    Microsievert,
    /// Radiation: rem (`radrem`)
    Rem,
    /// Radiation: Exposure (C/kg) (`radexpckg`)
    Exposure,
    /// Radiation: roentgen (R) (`radr`)
    Roentgen,
    /// Radiation: Sievert/hour (Sv/h) (`radsvh`)
    SievertPerHour,
    /// Radiation: milliSievert/hour (mSv/h) (`radmsvh`)
    MillisievertPerHour,
    /// Radiation: microSievert/hour (µSv/h) (`radusvh`)
    MicrosievertPerHour,
    /// Rotational Speed: Revolutions per minute (rpm) (`rotrpm`)
    RevolutionsPerMinute,
    /// Rotational Speed: Hertz (Hz) (`rothz`)
    HertzRotation,
    /// Rotational Speed: Kilohertz (kHz) (`rotkhz`)
    KilohertzRotation,
    /// Rotational Speed: Megahertz (MHz) (`rotmhz`)
    MegahertzRotation,
    /// Rotational Speed: Gigahertz (GHz) (`rotghz`)
    GigahertzRotation,
    /// Rotational Speed: Radians per second (rad/s) (`rotrads`)
    RadiansPerSecond,
    /// Rotational Speed: Degrees per second (°/s) (`rotdegs`)
    DegreesPerSecond,
    /// Temperature: Celsius (°C) (`celsius`)
    Celsius,
    /// Temperature: Fahrenheit (°F) (`fahrenheit`)
    Fahrenheit,
    /// Temperature: Kelvin (K) (`kelvin`)
    Kelvin,
    /// Time: Hertz (1/s) (`hertz`)
    Hertz,
    /// Time: nanoseconds (ns) (`ns`)
    Nanoseconds,
    /// Time: microseconds (µs) (`µs`)
    Microseconds,
    /// Time: milliseconds (ms) (`ms`)
    Milliseconds,
    /// Time: seconds (s) (`s`)
    Seconds,
    /// Time: minutes (m) (`m`)
    Minutes,
    /// Time: hours (h) (`h`)
    Hours,
    /// Time: days (d) (`d`)
    Days,
    /// Time: duration (ms) (`dtdurationms`)
    DurationMilliseconds,
    /// Time: duration (s) (`dtdurations`)
    DurationSeconds,
    /// Time: duration (hh:mm:ss) (`dthms`)
    DurationInHoursMinutesSeconds,
    /// Time: duration (d hh:mm:ss) (`dtdhms`)
    DurationInDaysHoursMinutesSeconds,
    /// Time: Timeticks (s/100) (`timeticks`)
    Timeticks,
    /// Time: clock (ms) (`clockms`)
    ClockMilliseconds,
    /// Time: clock (s) (`clocks`)
    ClockSeconds,
    /// Throughput: counts/sec (cps) (`cps`)
    CountsPerSecond,
    /// Throughput: ops/sec (ops) (`ops`)
    OpsPerSecond,
    /// Throughput: requests/sec (rps) (`reqps`)
    RequestsPerSecond,
    /// Throughput: reads/sec (rps) (`rps`)
    ReadsPerSecond,
    /// Throughput: writes/sec (wps) (`wps`)
    WritesPerSecond,
    /// Throughput: I/O ops/sec (iops) (`iops`)
    IOOpsPerSecond,
    /// Throughput: events/sec (eps) (`eps`)
    EventsPerSecond,
    /// Throughput: messages/sec (mps) (`mps`)
    MessagesPerSecond,
    /// Throughput: records/sec (rps) (`recps`)
    RecordsPerSecond,
    /// Throughput: rows/sec (rps) (`rowsps`)
    RowsPerSecond,
    /// Throughput: counts/min (cpm) (`cpm`)
    CountsPerMinute,
    /// Throughput: ops/min (opm) (`opm`)
    OpsPerMinute,
    /// Throughput: requests/min (rpm) (`reqpm`)
    RequestsPerMinute,
    /// Throughput: reads/min (rpm) (`rpm`)
    ReadsPerMinute,
    /// Throughput: writes/min (wpm) (`wpm`)
    WritesPerMinute,
    /// Throughput: events/min (epm) (`epm`)
    EventsPerMinute,
    /// Throughput: messages/min (mpm) (`mpm`)
    MessagesPerMinute,
    /// Throughput: records/min (rpm) (`recpm`)
    RecordsPerMinute,
    /// Throughput: rows/min (rpm) (`rowspm`)
    RowsPerMinute,
    /// Velocity: meters/second (m/s) (`velocityms`)
    MetersPerSecond,
    /// Velocity: kilometers/hour (km/h) (`velocitykmh`)
    KilometersPerHour,
    /// Velocity: miles/hour (mph) (`velocitymph`)
    MilesPerHour,
    /// Velocity: knot (kn) (`velocityknot`)
    Knot,
    /// Volume: millilitre (mL) (`mlitre`)
    Millilitre,
    /// Volume: litre (L) (`litre`)
    Litre,
    /// Volume: cubic meter (`m3`)
    CubicMeter,
    /// Volume: Normal cubic meter (`Nm3`)
    NormalCubicMeter,
    /// Volume: cubic decimeter (`dm3`)
    CubicDecimeter,
    /// Volume: gallons (`gallons`)
    Gallons,
    /// Boolean: True / False (`bool`)
    Bool,
    /// Boolean: Yes / No (`bool_yes_no`)
    BoolYesNo,
    /// Boolean: On / Off (`bool_on_off`)
    BoolOnOff,
}

impl Unit {
    /// The unit id Grafana stores in `fieldConfig.defaults.unit`.
    ///
    /// ```
    /// assert_eq!(dashboard_model::Unit::BytesIEC.id(), "bytes");
    /// ```
    pub const fn id(self) -> &'static str {
        match self {
            Unit::NoUnit => "none",
            Unit::String => "string",
            Unit::Short => "short",
            Unit::SiShort => "sishort",
            Unit::Percent => "percent",
            Unit::PercentUnit => "percentunit",
            Unit::Humidity => "humidity",
            Unit::Decibel => "dB",
            Unit::Candela => "candela",
            Unit::HexadecimalOx => "hex0x",
            Unit::Hexadecimal => "hex",
            Unit::ScientificNotation => "sci",
            Unit::LocaleFormat => "locale",
            Unit::Pixels => "pixel",
            Unit::MetersSecSquared => "accMS2",
            Unit::FeetSecSquared => "accFS2",
            Unit::GUnit => "accG",
            Unit::Degrees => "degree",
            Unit::Radians => "radian",
            Unit::Gradian => "grad",
            Unit::ArcMinutes => "arcmin",
            Unit::ArcSeconds => "arcsec",
            Unit::SquareMeters => "areaM2",
            Unit::SquareFeet => "areaF2",
            Unit::SquareMiles => "areaMI2",
            Unit::Acres => "acres",
            Unit::Hectares => "hectares",
            Unit::FlopsPerSecond => "flops",
            Unit::MegaFlopsPerSecond => "mflops",
            Unit::GigaFlopsPerSecond => "gflops",
            Unit::TeraFlopsPerSecond => "tflops",
            Unit::PetaFlopsPerSecond => "pflops",
            Unit::ExaFlopsPerSecond => "eflops",
            Unit::ZettaFlopsPerSecond => "zflops",
            Unit::YottaFlopsPerSecond => "yflops",
            Unit::PartsPerMillion => "ppm",
            Unit::PartsPerBillion => "conppb",
            Unit::NanogramPerCubicMeter => "conngm3",
            Unit::NanogramPerNormalCubicMeter => "conngNm3",
            Unit::MicrogramPerCubicMeter => "conμgm3",
            Unit::MicrogramPerNormalCubicMeter => "conμgNm3",
            Unit::MilligramPerCubicMeter => "conmgm3",
            Unit::MilligramPerNormalCubicMeter => "conmgNm3",
            Unit::GramPerCubicMeter => "congm3",
            Unit::GramPerNormalCubicMeter => "congNm3",
            Unit::MilligramsPerDecilitre => "conmgdL",
            Unit::MillimolesPerLiter => "conmmolL",
            Unit::Dollars => "currencyUSD",
            Unit::Pounds => "currencyGBP",
            Unit::Euro => "currencyEUR",
            Unit::Yen => "currencyJPY",
            Unit::Rubles => "currencyRUB",
            Unit::Hryvnias => "currencyUAH",
            Unit::Real => "currencyBRL",
            Unit::DanishKrone => "currencyDKK",
            Unit::IcelandicKrona => "currencyISK",
            Unit::NorwegianKrone => "currencyNOK",
            Unit::SwedishKrona => "currencySEK",
            Unit::CzechKoruna => "currencyCZK",
            Unit::SwissFranc => "currencyCHF",
            Unit::PolishZloty => "currencyPLN",
            Unit::Bictoin => "currencyBTC",
            Unit::MilliBitcoin => "currencymBTC",
            Unit::MicroBitcoin => "currencyμBTC",
            Unit::SouthAfricanRand => "currencyZAR",
            Unit::IndianRupee => "currencyINR",
            Unit::SouthKoreanWon => "currencyKRW",
            Unit::IndonesianRupiah => "currencyIDR",
            Unit::PhilippinePeso => "currencyPHP",
            Unit::VietnameseDong => "currencyVND",
            Unit::TurkishLira => "currencyTRY",
            Unit::MalaysianRinggit => "currencyMYR",
            Unit::CFPFranc => "currencyXPF",
            Unit::BulgarianLev => "currencyBGN",
            Unit::Guarani => "currencyPYG",
            Unit::UruguayPeso => "currencyUYU",
            Unit::IsraeliNewShekels => "currencyILS",
            Unit::BytesIEC => "bytes",
            Unit::BytesSI => "decbytes",
            Unit::BitsIEC => "bits",
            Unit::BitsSI => "decbits",
            Unit::Kibibytes => "kbytes",
            Unit::Kilobytes => "deckbytes",
            Unit::Mebibytes => "mbytes",
            Unit::Megabytes => "decmbytes",
            Unit::Gibibytes => "gbytes",
            Unit::Gigabytes => "decgbytes",
            Unit::Tebibytes => "tbytes",
            Unit::Terabytes => "dectbytes",
            Unit::Pebibytes => "pbytes",
            Unit::Petabytes => "decpbytes",
            Unit::PacketsPerSecond => "pps",
            Unit::BytesPerSecondIEC => "binBps",
            Unit::BytesPerSecondSI => "Bps",
            Unit::BitsPerSecondIEC => "binbps",
            Unit::BitsPerSecondSI => "bps",
            Unit::KibibytesPerSecond => "KiBs",
            Unit::KibibitsPerSecond => "Kibits",
            Unit::KilobytesPerSecond => "KBs",
            Unit::KilobitsPerSecond => "Kbits",
            Unit::MebibytesPerSecond => "MiBs",
            Unit::MebibitsPerSecond => "Mibits",
            Unit::MegabytesPerSecond => "MBs",
            Unit::MegabitsPerSecond => "Mbits",
            Unit::GibibytesPerSecond => "GiBs",
            Unit::GibibitsPerSecond => "Gibits",
            Unit::GigabytesPerSecond => "GBs",
            Unit::GigabitsPerSecond => "Gbits",
            Unit::TebibytesPerSecond => "TiBs",
            Unit::TebibitsPerSecond => "Tibits",
            Unit::TerabytesPerSecond => "TBs",
            Unit::TerabitsPerSecond => "Tbits",
            Unit::PebibytesPerSecond => "PiBs",
            Unit::PebibitsPerSecond => "Pibits",
            Unit::PetabytesPerSecond => "PBs",
            Unit::PetabitsPerSecond => "Pbits",
            Unit::DatetimeISO => "dateTimeAsIso",
            Unit::DatetimeISONotToday => "dateTimeAsIsoNoDateIfToday",
            Unit::DatetimeUS => "dateTimeAsUS",
            Unit::DatetimeUSNotToday => "dateTimeAsUSNoDateIfToday",
            Unit::DatetimeLocal => "dateTimeAsLocal",
            Unit::DatetimeLocalNotToday => "dateTimeAsLocalNoDateIfToday",
            Unit::DatetimeDefault => "dateTimeAsSystem",
            Unit::DateTimeFromNow => "dateTimeFromNow",
            Unit::Watt => "watt",
            Unit::KiloWatt => "kwatt",
            Unit::MegaWatt => "megwatt",
            Unit::GigaWatt => "gwatt",
            Unit::MilliWatt => "mwatt",
            Unit::WattPerSquareMeter => "Wm2",
            Unit::VoltAmpere => "voltamp",
            Unit::KiloVoltAmpere => "kvoltamp",
            Unit::VoltAmpereReactive => "voltampreact",
            Unit::KiloVoltAmpereReactive => "kvoltampreact",
            Unit::WattHour => "watth",
            Unit::WattHourPerKilogram => "watthperkg",
            Unit::KiloWattHour => "kwatth",
            Unit::KiloWattMinute => "kwattm",
            Unit::MegaWattHour => "mwatth",
            Unit::AmpereHour => "amph",
            Unit::KiloAmpereHour => "kamph",
            Unit::MilliAmpereHour => "mamph",
            Unit::Joule => "joule",
            Unit::ElectronVolt => "ev",
            Unit::Ampere => "amp",
            Unit::KiloAmpere => "kamp",
            Unit::MilliAmpere => "mamp",
            Unit::Volt => "volt",
            Unit::KiloVolt => "kvolt",
            Unit::MilliVolt => "mvolt",
            Unit::DecibelMilliWatt => "dBm",
            Unit::MilliOhm => "mohm",
            Unit::Ohm => "ohm",
            Unit::KiloOhm => "kohm",
            Unit::MegaOhm => "Mohm",
            Unit::Farad => "farad",
            Unit::MicroFarad => "µfarad",
            Unit::NanoFarad => "nfarad",
            Unit::PicoFarad => "pfarad",
            Unit::FemtoFarad => "ffarad",
            Unit::Henry => "henry",
            Unit::MilliHenry => "mhenry",
            Unit::MicroHenry => "µhenry",
            Unit::Lumens => "lumens",
            Unit::GallonsPerMinute => "flowgpm",
            Unit::CubicMetersPerSecond => "flowcms",
            Unit::CubicFeetPerSecond => "flowcfs",
            Unit::CubicFeetPerMinute => "flowcfm",
            Unit::LitrePerHour => "litreh",
            Unit::LitrePerMinute => "flowlpm",
            Unit::MilliLitrePerMinute => "flowmlpm",
            Unit::Lux => "lux",
            Unit::NewtonMeters => "forceNm",
            Unit::KiloNewtonMeters => "forcekNm",
            Unit::Newtons => "forceN",
            Unit::KiloNewtons => "forcekN",
            Unit::HashesPerSecond => "Hs",
            Unit::KiloHashesPerSecond => "KHs",
            Unit::MegaHashesPerSecond => "MHs",
            Unit::GigaHashesPerSecond => "GHs",
            Unit::TeraHashesPerSecond => "THs",
            Unit::PetaHashesPerSecond => "PHs",
            Unit::ExaHashesPerSecond => "EHs",
            Unit::Milligram => "massmg",
            Unit::Gram => "massg",
            Unit::Pound => "masslb",
            Unit::Kilogram => "masskg",
            Unit::MetricTon => "masst",
            Unit::Millimeter => "lengthmm",
            Unit::Inch => "lengthin",
            Unit::Feet => "lengthft",
            Unit::Meter => "lengthm",
            Unit::Kilometer => "lengthkm",
            Unit::Mile => "lengthmi",
            Unit::Millibars => "pressurembar",
            Unit::Bars => "pressurebar",
            Unit::Kilobars => "pressurekbar",
            Unit::Pascals => "pressurepa",
            Unit::Hectopascals => "pressurehpa",
            Unit::Kilopascals => "pressurekpa",
            Unit::InchesOfMercury => "pressurehg",
            Unit::PSI => "pressurepsi",
            Unit::Becquerel => "radbq",
            Unit::Curie => "radci",
            Unit::Gray => "radgy",
            Unit::Rad => "radrad",
            Unit::Sievert => "radsv",
            Unit::Millisievert => "radmsv",
            Unit::Microsievert => "radusv",
            Unit::Rem => "radrem",
            Unit::Exposure => "radexpckg",
            Unit::Roentgen => "radr",
            Unit::SievertPerHour => "radsvh",
            Unit::MillisievertPerHour => "radmsvh",
            Unit::MicrosievertPerHour => "radusvh",
            Unit::RevolutionsPerMinute => "rotrpm",
            Unit::HertzRotation => "rothz",
            Unit::KilohertzRotation => "rotkhz",
            Unit::MegahertzRotation => "rotmhz",
            Unit::GigahertzRotation => "rotghz",
            Unit::RadiansPerSecond => "rotrads",
            Unit::DegreesPerSecond => "rotdegs",
            Unit::Celsius => "celsius",
            Unit::Fahrenheit => "fahrenheit",
            Unit::Kelvin => "kelvin",
            Unit::Hertz => "hertz",
            Unit::Nanoseconds => "ns",
            Unit::Microseconds => "µs",
            Unit::Milliseconds => "ms",
            Unit::Seconds => "s",
            Unit::Minutes => "m",
            Unit::Hours => "h",
            Unit::Days => "d",
            Unit::DurationMilliseconds => "dtdurationms",
            Unit::DurationSeconds => "dtdurations",
            Unit::DurationInHoursMinutesSeconds => "dthms",
            Unit::DurationInDaysHoursMinutesSeconds => "dtdhms",
            Unit::Timeticks => "timeticks",
            Unit::ClockMilliseconds => "clockms",
            Unit::ClockSeconds => "clocks",
            Unit::CountsPerSecond => "cps",
            Unit::OpsPerSecond => "ops",
            Unit::RequestsPerSecond => "reqps",
            Unit::ReadsPerSecond => "rps",
            Unit::WritesPerSecond => "wps",
            Unit::IOOpsPerSecond => "iops",
            Unit::EventsPerSecond => "eps",
            Unit::MessagesPerSecond => "mps",
            Unit::RecordsPerSecond => "recps",
            Unit::RowsPerSecond => "rowsps",
            Unit::CountsPerMinute => "cpm",
            Unit::OpsPerMinute => "opm",
            Unit::RequestsPerMinute => "reqpm",
            Unit::ReadsPerMinute => "rpm",
            Unit::WritesPerMinute => "wpm",
            Unit::EventsPerMinute => "epm",
            Unit::MessagesPerMinute => "mpm",
            Unit::RecordsPerMinute => "recpm",
            Unit::RowsPerMinute => "rowspm",
            Unit::MetersPerSecond => "velocityms",
            Unit::KilometersPerHour => "velocitykmh",
            Unit::MilesPerHour => "velocitymph",
            Unit::Knot => "velocityknot",
            Unit::Millilitre => "mlitre",
            Unit::Litre => "litre",
            Unit::CubicMeter => "m3",
            Unit::NormalCubicMeter => "Nm3",
            Unit::CubicDecimeter => "dm3",
            Unit::Gallons => "gallons",
            Unit::Bool => "bool",
            Unit::BoolYesNo => "bool_yes_no",
            Unit::BoolOnOff => "bool_on_off",
        }
    }

    /// The unit with this Grafana id, the inverse of [`Unit::id`]; `None` for an id
    /// Grafana's units kind does not list (a custom `suffix:` unit, say).
    ///
    /// ```
    /// use dashboard_model::Unit;
    /// assert_eq!(Unit::from_id("percentunit"), Some(Unit::PercentUnit));
    /// assert_eq!(Unit::from_id("suffix:req"), None);
    /// ```
    pub fn from_id(id: &str) -> Option<Unit> {
        Some(match id {
            "none" => Unit::NoUnit,
            "string" => Unit::String,
            "short" => Unit::Short,
            "sishort" => Unit::SiShort,
            "percent" => Unit::Percent,
            "percentunit" => Unit::PercentUnit,
            "humidity" => Unit::Humidity,
            "dB" => Unit::Decibel,
            "candela" => Unit::Candela,
            "hex0x" => Unit::HexadecimalOx,
            "hex" => Unit::Hexadecimal,
            "sci" => Unit::ScientificNotation,
            "locale" => Unit::LocaleFormat,
            "pixel" => Unit::Pixels,
            "accMS2" => Unit::MetersSecSquared,
            "accFS2" => Unit::FeetSecSquared,
            "accG" => Unit::GUnit,
            "degree" => Unit::Degrees,
            "radian" => Unit::Radians,
            "grad" => Unit::Gradian,
            "arcmin" => Unit::ArcMinutes,
            "arcsec" => Unit::ArcSeconds,
            "areaM2" => Unit::SquareMeters,
            "areaF2" => Unit::SquareFeet,
            "areaMI2" => Unit::SquareMiles,
            "acres" => Unit::Acres,
            "hectares" => Unit::Hectares,
            "flops" => Unit::FlopsPerSecond,
            "mflops" => Unit::MegaFlopsPerSecond,
            "gflops" => Unit::GigaFlopsPerSecond,
            "tflops" => Unit::TeraFlopsPerSecond,
            "pflops" => Unit::PetaFlopsPerSecond,
            "eflops" => Unit::ExaFlopsPerSecond,
            "zflops" => Unit::ZettaFlopsPerSecond,
            "yflops" => Unit::YottaFlopsPerSecond,
            "ppm" => Unit::PartsPerMillion,
            "conppb" => Unit::PartsPerBillion,
            "conngm3" => Unit::NanogramPerCubicMeter,
            "conngNm3" => Unit::NanogramPerNormalCubicMeter,
            "conμgm3" => Unit::MicrogramPerCubicMeter,
            "conμgNm3" => Unit::MicrogramPerNormalCubicMeter,
            "conmgm3" => Unit::MilligramPerCubicMeter,
            "conmgNm3" => Unit::MilligramPerNormalCubicMeter,
            "congm3" => Unit::GramPerCubicMeter,
            "congNm3" => Unit::GramPerNormalCubicMeter,
            "conmgdL" => Unit::MilligramsPerDecilitre,
            "conmmolL" => Unit::MillimolesPerLiter,
            "currencyUSD" => Unit::Dollars,
            "currencyGBP" => Unit::Pounds,
            "currencyEUR" => Unit::Euro,
            "currencyJPY" => Unit::Yen,
            "currencyRUB" => Unit::Rubles,
            "currencyUAH" => Unit::Hryvnias,
            "currencyBRL" => Unit::Real,
            "currencyDKK" => Unit::DanishKrone,
            "currencyISK" => Unit::IcelandicKrona,
            "currencyNOK" => Unit::NorwegianKrone,
            "currencySEK" => Unit::SwedishKrona,
            "currencyCZK" => Unit::CzechKoruna,
            "currencyCHF" => Unit::SwissFranc,
            "currencyPLN" => Unit::PolishZloty,
            "currencyBTC" => Unit::Bictoin,
            "currencymBTC" => Unit::MilliBitcoin,
            "currencyμBTC" => Unit::MicroBitcoin,
            "currencyZAR" => Unit::SouthAfricanRand,
            "currencyINR" => Unit::IndianRupee,
            "currencyKRW" => Unit::SouthKoreanWon,
            "currencyIDR" => Unit::IndonesianRupiah,
            "currencyPHP" => Unit::PhilippinePeso,
            "currencyVND" => Unit::VietnameseDong,
            "currencyTRY" => Unit::TurkishLira,
            "currencyMYR" => Unit::MalaysianRinggit,
            "currencyXPF" => Unit::CFPFranc,
            "currencyBGN" => Unit::BulgarianLev,
            "currencyPYG" => Unit::Guarani,
            "currencyUYU" => Unit::UruguayPeso,
            "currencyILS" => Unit::IsraeliNewShekels,
            "bytes" => Unit::BytesIEC,
            "decbytes" => Unit::BytesSI,
            "bits" => Unit::BitsIEC,
            "decbits" => Unit::BitsSI,
            "kbytes" => Unit::Kibibytes,
            "deckbytes" => Unit::Kilobytes,
            "mbytes" => Unit::Mebibytes,
            "decmbytes" => Unit::Megabytes,
            "gbytes" => Unit::Gibibytes,
            "decgbytes" => Unit::Gigabytes,
            "tbytes" => Unit::Tebibytes,
            "dectbytes" => Unit::Terabytes,
            "pbytes" => Unit::Pebibytes,
            "decpbytes" => Unit::Petabytes,
            "pps" => Unit::PacketsPerSecond,
            "binBps" => Unit::BytesPerSecondIEC,
            "Bps" => Unit::BytesPerSecondSI,
            "binbps" => Unit::BitsPerSecondIEC,
            "bps" => Unit::BitsPerSecondSI,
            "KiBs" => Unit::KibibytesPerSecond,
            "Kibits" => Unit::KibibitsPerSecond,
            "KBs" => Unit::KilobytesPerSecond,
            "Kbits" => Unit::KilobitsPerSecond,
            "MiBs" => Unit::MebibytesPerSecond,
            "Mibits" => Unit::MebibitsPerSecond,
            "MBs" => Unit::MegabytesPerSecond,
            "Mbits" => Unit::MegabitsPerSecond,
            "GiBs" => Unit::GibibytesPerSecond,
            "Gibits" => Unit::GibibitsPerSecond,
            "GBs" => Unit::GigabytesPerSecond,
            "Gbits" => Unit::GigabitsPerSecond,
            "TiBs" => Unit::TebibytesPerSecond,
            "Tibits" => Unit::TebibitsPerSecond,
            "TBs" => Unit::TerabytesPerSecond,
            "Tbits" => Unit::TerabitsPerSecond,
            "PiBs" => Unit::PebibytesPerSecond,
            "Pibits" => Unit::PebibitsPerSecond,
            "PBs" => Unit::PetabytesPerSecond,
            "Pbits" => Unit::PetabitsPerSecond,
            "dateTimeAsIso" => Unit::DatetimeISO,
            "dateTimeAsIsoNoDateIfToday" => Unit::DatetimeISONotToday,
            "dateTimeAsUS" => Unit::DatetimeUS,
            "dateTimeAsUSNoDateIfToday" => Unit::DatetimeUSNotToday,
            "dateTimeAsLocal" => Unit::DatetimeLocal,
            "dateTimeAsLocalNoDateIfToday" => Unit::DatetimeLocalNotToday,
            "dateTimeAsSystem" => Unit::DatetimeDefault,
            "dateTimeFromNow" => Unit::DateTimeFromNow,
            "watt" => Unit::Watt,
            "kwatt" => Unit::KiloWatt,
            "megwatt" => Unit::MegaWatt,
            "gwatt" => Unit::GigaWatt,
            "mwatt" => Unit::MilliWatt,
            "Wm2" => Unit::WattPerSquareMeter,
            "voltamp" => Unit::VoltAmpere,
            "kvoltamp" => Unit::KiloVoltAmpere,
            "voltampreact" => Unit::VoltAmpereReactive,
            "kvoltampreact" => Unit::KiloVoltAmpereReactive,
            "watth" => Unit::WattHour,
            "watthperkg" => Unit::WattHourPerKilogram,
            "kwatth" => Unit::KiloWattHour,
            "kwattm" => Unit::KiloWattMinute,
            "mwatth" => Unit::MegaWattHour,
            "amph" => Unit::AmpereHour,
            "kamph" => Unit::KiloAmpereHour,
            "mamph" => Unit::MilliAmpereHour,
            "joule" => Unit::Joule,
            "ev" => Unit::ElectronVolt,
            "amp" => Unit::Ampere,
            "kamp" => Unit::KiloAmpere,
            "mamp" => Unit::MilliAmpere,
            "volt" => Unit::Volt,
            "kvolt" => Unit::KiloVolt,
            "mvolt" => Unit::MilliVolt,
            "dBm" => Unit::DecibelMilliWatt,
            "mohm" => Unit::MilliOhm,
            "ohm" => Unit::Ohm,
            "kohm" => Unit::KiloOhm,
            "Mohm" => Unit::MegaOhm,
            "farad" => Unit::Farad,
            "µfarad" => Unit::MicroFarad,
            "nfarad" => Unit::NanoFarad,
            "pfarad" => Unit::PicoFarad,
            "ffarad" => Unit::FemtoFarad,
            "henry" => Unit::Henry,
            "mhenry" => Unit::MilliHenry,
            "µhenry" => Unit::MicroHenry,
            "lumens" => Unit::Lumens,
            "flowgpm" => Unit::GallonsPerMinute,
            "flowcms" => Unit::CubicMetersPerSecond,
            "flowcfs" => Unit::CubicFeetPerSecond,
            "flowcfm" => Unit::CubicFeetPerMinute,
            "litreh" => Unit::LitrePerHour,
            "flowlpm" => Unit::LitrePerMinute,
            "flowmlpm" => Unit::MilliLitrePerMinute,
            "lux" => Unit::Lux,
            "forceNm" => Unit::NewtonMeters,
            "forcekNm" => Unit::KiloNewtonMeters,
            "forceN" => Unit::Newtons,
            "forcekN" => Unit::KiloNewtons,
            "Hs" => Unit::HashesPerSecond,
            "KHs" => Unit::KiloHashesPerSecond,
            "MHs" => Unit::MegaHashesPerSecond,
            "GHs" => Unit::GigaHashesPerSecond,
            "THs" => Unit::TeraHashesPerSecond,
            "PHs" => Unit::PetaHashesPerSecond,
            "EHs" => Unit::ExaHashesPerSecond,
            "massmg" => Unit::Milligram,
            "massg" => Unit::Gram,
            "masslb" => Unit::Pound,
            "masskg" => Unit::Kilogram,
            "masst" => Unit::MetricTon,
            "lengthmm" => Unit::Millimeter,
            "lengthin" => Unit::Inch,
            "lengthft" => Unit::Feet,
            "lengthm" => Unit::Meter,
            "lengthkm" => Unit::Kilometer,
            "lengthmi" => Unit::Mile,
            "pressurembar" => Unit::Millibars,
            "pressurebar" => Unit::Bars,
            "pressurekbar" => Unit::Kilobars,
            "pressurepa" => Unit::Pascals,
            "pressurehpa" => Unit::Hectopascals,
            "pressurekpa" => Unit::Kilopascals,
            "pressurehg" => Unit::InchesOfMercury,
            "pressurepsi" => Unit::PSI,
            "radbq" => Unit::Becquerel,
            "radci" => Unit::Curie,
            "radgy" => Unit::Gray,
            "radrad" => Unit::Rad,
            "radsv" => Unit::Sievert,
            "radmsv" => Unit::Millisievert,
            "radusv" => Unit::Microsievert,
            "radrem" => Unit::Rem,
            "radexpckg" => Unit::Exposure,
            "radr" => Unit::Roentgen,
            "radsvh" => Unit::SievertPerHour,
            "radmsvh" => Unit::MillisievertPerHour,
            "radusvh" => Unit::MicrosievertPerHour,
            "rotrpm" => Unit::RevolutionsPerMinute,
            "rothz" => Unit::HertzRotation,
            "rotkhz" => Unit::KilohertzRotation,
            "rotmhz" => Unit::MegahertzRotation,
            "rotghz" => Unit::GigahertzRotation,
            "rotrads" => Unit::RadiansPerSecond,
            "rotdegs" => Unit::DegreesPerSecond,
            "celsius" => Unit::Celsius,
            "fahrenheit" => Unit::Fahrenheit,
            "kelvin" => Unit::Kelvin,
            "hertz" => Unit::Hertz,
            "ns" => Unit::Nanoseconds,
            "µs" => Unit::Microseconds,
            "ms" => Unit::Milliseconds,
            "s" => Unit::Seconds,
            "m" => Unit::Minutes,
            "h" => Unit::Hours,
            "d" => Unit::Days,
            "dtdurationms" => Unit::DurationMilliseconds,
            "dtdurations" => Unit::DurationSeconds,
            "dthms" => Unit::DurationInHoursMinutesSeconds,
            "dtdhms" => Unit::DurationInDaysHoursMinutesSeconds,
            "timeticks" => Unit::Timeticks,
            "clockms" => Unit::ClockMilliseconds,
            "clocks" => Unit::ClockSeconds,
            "cps" => Unit::CountsPerSecond,
            "ops" => Unit::OpsPerSecond,
            "reqps" => Unit::RequestsPerSecond,
            "rps" => Unit::ReadsPerSecond,
            "wps" => Unit::WritesPerSecond,
            "iops" => Unit::IOOpsPerSecond,
            "eps" => Unit::EventsPerSecond,
            "mps" => Unit::MessagesPerSecond,
            "recps" => Unit::RecordsPerSecond,
            "rowsps" => Unit::RowsPerSecond,
            "cpm" => Unit::CountsPerMinute,
            "opm" => Unit::OpsPerMinute,
            "reqpm" => Unit::RequestsPerMinute,
            "rpm" => Unit::ReadsPerMinute,
            "wpm" => Unit::WritesPerMinute,
            "epm" => Unit::EventsPerMinute,
            "mpm" => Unit::MessagesPerMinute,
            "recpm" => Unit::RecordsPerMinute,
            "rowspm" => Unit::RowsPerMinute,
            "velocityms" => Unit::MetersPerSecond,
            "velocitykmh" => Unit::KilometersPerHour,
            "velocitymph" => Unit::MilesPerHour,
            "velocityknot" => Unit::Knot,
            "mlitre" => Unit::Millilitre,
            "litre" => Unit::Litre,
            "m3" => Unit::CubicMeter,
            "Nm3" => Unit::NormalCubicMeter,
            "dm3" => Unit::CubicDecimeter,
            "gallons" => Unit::Gallons,
            "bool" => Unit::Bool,
            "bool_yes_no" => Unit::BoolYesNo,
            "bool_on_off" => Unit::BoolOnOff,
            _ => return None,
        })
    }
}

impl Serialize for Unit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = String::deserialize(d)?;
        Unit::from_id(&id).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown unit `{id}`: not in Grafana's units kind (see dashboard_model::Unit)"
            ))
        })
    }
}
